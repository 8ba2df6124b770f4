// The keeper kind's section: why a failed job stopped, each Vault node with its seal state (as last seen), each
// store usable or why not, the shard sets held with their object count per store (counts only: the status never
// carries a shard), the init/rekey procedure's step and what it waits for, the last audit, and a "Rekey now"
// button that asks first and shows the daemon's answer. Without configured nodes, the nodes come from Vault's
// raft configuration; a failed discovery is shown. A set with human custodians lists each custodian, whether
// their encrypted share is held and who fetched it when (never the share).
'use strict';

(() => {
  const { el, act, agoUnix, badge, fact } = VK;
  const NODE_BADGE = { unsealed: 'ok', sealed: 'failed', unreachable: 'failed', uninitialized: 'halted' };

  function nodesTable(nodes) {
    if (!nodes.length) return el('p', { class: 'muted', text: 'No node seen yet.' });
    return el('table', { class: 'cycles nodes' },
      el('thead', {}, el('tr', {}, ...['node', 'seal state', 'detail'].map((h) => el('th', { text: h })))),
      el('tbody', {}, ...nodes.map((n) => el('tr', { 'data-node': n.address, 'data-state': n.state },
        el('td', { text: n.address }),
        el('td', {}, badge(n.state || 'unknown', NODE_BADGE[n.state] || 'halted')),
        el('td', { class: 'muted', text: n.detail || '' })))));
  }

  // A store is usable, unusable (its objects left as they are: the reason says which one does not open and
  // why), or not read yet.
  function storesTable(stores) {
    if (!stores.length) return el('p', { class: 'muted', text: 'No store.' });
    const state = (s) => (s.usable === true ? 'usable' : s.usable === false ? 'unusable' : 'not read yet');
    return el('table', { class: 'cycles stores' },
      el('thead', {}, el('tr', {}, ...['store', 'state', 'reason'].map((h) => el('th', { text: h })))),
      el('tbody', {}, ...stores.map((s) => el('tr', { 'data-store': s.name, 'data-usable': String(s.usable) },
        el('td', { text: s.name }),
        el('td', {}, badge(state(s), s.usable ? 'ok' : s.usable === false ? 'failed' : 'halted')),
        el('td', { class: 'muted', text: s.reason || '' })))));
  }

  // The role a held set plays in the procedure record: current, pending, previous (or none: left behind).
  function roleOf(id, p) {
    for (const role of ['current', 'pending', 'previous']) if (p[role] && p[role].id === id) return role;
    return '—';
  }

  function setsTable(sets, p) {
    const ids = Object.keys(sets);
    if (!ids.length) return el('p', { class: 'muted', text: 'No shard set held yet.' });
    const stores = [...new Set(ids.flatMap((id) => Object.keys(sets[id])))].sort();
    return el('table', { class: 'cycles sets' },
      el('thead', {}, el('tr', {}, ...['set', 'role', ...stores].map((h) => el('th', { text: h })))),
      el('tbody', {}, ...ids.map((id) => el('tr', { 'data-set': id, 'data-role': roleOf(id, p) },
        el('td', { text: id }),
        el('td', { text: roleOf(id, p) }),
        ...stores.map((st) => el('td', { class: 'num', 'data-store': st, text: String(sets[id][st] || 0) }))))));
  }

  // Who fetched a custodian's share: "by ops, 3 min ago (2 fetches)", or "not yet".
  function fetchedText(c) {
    if (!c.fetched) return 'not yet';
    return 'by ' + c.fetched_by + ', ' + agoUnix(c.fetched_unix) + (c.fetches > 1 ? ' (' + c.fetches + ' fetches)' : '');
  }

  function custodiansTable(set) {
    return el('table', { class: 'cycles custodians' },
      el('thead', {}, el('tr', {}, ...['custodian', 'key fingerprint', 'share', 'fetched'].map((h) => el('th', { text: h })))),
      el('tbody', {}, ...set.custodians.map((c) => el('tr', { 'data-custodian': c.name, 'data-fetched': String(!!c.fetched) },
        el('td', { text: c.name }),
        el('td', { class: 'muted', text: c.fingerprint }),
        el('td', {}, badge(c.answered ? 'held, encrypted to them' : 'missing: rekey to restore', c.answered ? 'ok' : 'failed')),
        el('td', { text: fetchedText(c) })))));
  }

  const setText = (s) => (s ? s.id + ' (' + s.threshold + ' of ' + s.shares + ')' : '—');

  function procedureFacts(p, s) {
    const dl = el('dl', { class: 'meta' });
    fact(dl, 'step', p.step || '—', 'step');
    fact(dl, 'waiting for', p.waiting || '—', 'waiting');
    fact(dl, 'current set', setText(p.current), 'current');
    fact(dl, 'pending set', setText(p.pending), 'pending');
    if (p.previous) fact(dl, 'previous set', setText(p.previous), 'previous');
    if (p.audit) fact(dl, 'auditing', p.audit, 'audit');
    fact(dl, 'last audit', s.last_audit ? s.last_audit.set + ', ' + agoUnix(s.last_audit.unix) : 'never', 'last-audit');
    fact(dl, 'last rekey', s.last_rekey_unix ? agoUnix(s.last_rekey_unix) : 'never', 'last-rekey');
    return dl;
  }

  function rekeyButton(job, p) {
    const name = job.name;
    const busy = p.step !== 'idle' || p.rekey_requested;
    return el('div', { class: 'actions' },
      el('button', VK.guard({ type: 'button', class: 'danger', 'data-action': 'rekey', disabled: !p.current || busy,
        title: !p.current ? 'No shard set held yet' : busy ? 'A procedure is already running' : '',
        onclick: () => act('POST', '/v1/keeper/' + encodeURIComponent(name) + '/rekey', name + ' rekey',
          'Rekey the Vault of keeper "' + name + '" now?\n\nVault gets new unseal keys; the keeper stores the new ' +
          'shards, verifies them, proves them with an audit and only then drops the current set (' +
          setText(p.current) + ').',
          undefined,
          (a) => (a && a.queued ? 'queued' : 'not queued: ' + ((a && a.message) || 'no reason given'))),
        text: 'Rekey now' }, 'rekey', name)));
  }

  function render(job, box) {
    const s = job.status || {};
    const p = s.procedure || {};
    const nodes = s.nodes || [];
    const unsealed = nodes.filter((n) => n.state === 'unsealed').length;
    box.append(el('h3', {}, 'keeper ', badge(p.step || 'unknown', p.step === 'idle' ? 'ok' : 'running')));
    if (s.stopped) box.append(el('p', { class: 'warn', 'data-field': 'stopped', text: 'Stopped: ' + s.stopped }));
    box.append(el('p', { class: unsealed === nodes.length ? 'muted' : 'warn', 'data-field': 'unsealed',
      text: unsealed + ' of ' + nodes.length + ' nodes unsealed.' }));
    const d = s.discovery || {};
    box.append(el('h4', { text: 'Nodes' + (d.source === 'raft' ? ' (from the raft configuration)' : '') }),
      nodesTable(nodes));
    if (d.problem) box.append(el('p', { class: 'warn', 'data-field': 'discovery', text: 'Discovery: ' + d.problem }));
    const stores = s.stores || [];
    const unusable = stores.filter((st) => st.usable === false).length;
    box.append(el('h4', { text: 'Stores' + (unusable ? ' (' + unusable + ' unusable: left as they are)' : '') }),
      storesTable(stores));
    box.append(el('h4', { text: 'Shard sets held (objects per store)' }), setsTable(s.sets || {}, p));
    if (p.current && (p.current.custodians || []).length)
      box.append(el('h4', { text: 'Custodians of ' + p.current.id }), custodiansTable(p.current));
    box.append(el('h4', { text: 'Procedure' }), procedureFacts(p, s), rekeyButton(job, p));
  }

  VK.registerKind('keeper', { render });
})();
