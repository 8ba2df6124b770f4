// The snapshot kind's section: where snapshots come from and go (retention per storage), the last snapshot
// with its per-storage outcome, the stored snapshots (GET /v1/snapshot/{name}/list) with a Drill button each
// (a dry-run restore: nothing reaches Vault, so it asks nothing) and, only when the job has allow_restore, a
// Restore button per stored snapshot that asks first.
'use strict';

(() => {
  const { el, api, act, ago, badge, fact } = VK;
  const lists = new Map();  // job -> {open, data, error, force}: survives the periodic refresh

  function bytes(n) {
    if (n === undefined || n === null) return '—';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    for (; n >= 1024 && i < units.length - 1; i++) n /= 1024;
    return (i ? n.toFixed(1) : String(n)) + ' ' + units[i];
  }

  const shortSha = (sha) => (sha ? sha.slice(0, 12) + '…' : '—');

  function storagesTable(storages, outcomes) {
    return el('table', { class: 'cycles storages' },
      el('thead', {}, el('tr', {}, ...['storage', 'type', 'retain', 'max age', 'last upload']
        .map((h) => el('th', { text: h })))),
      el('tbody', {}, ...storages.map((st) => el('tr', { 'data-storage': st.name },
        el('td', { text: st.name }),
        el('td', { text: st.type }),
        el('td', { class: 'num', text: st.retain ? String(st.retain) : 'any number' }),
        el('td', { text: st.max_age || '—' }),
        el('td', {}, outcomes[st.name] ? badge(outcomes[st.name]) : el('span', { class: 'muted', text: '—' }))))));
  }

  function lastSnapshot(last) {
    if (!last) return el('p', { class: 'muted', text: 'No snapshot taken yet.' });
    if (last.skipped) return el('p', { class: 'muted', text: 'Last cycle skipped: this node is not the active one.' });
    const dl = el('dl', { class: 'meta', 'data-last': last.name });
    fact(dl, 'name', last.name, 'last-name');
    fact(dl, 'from node', last.node, 'last-node');
    fact(dl, 'size', bytes(last.size), 'last-size');
    fact(dl, 'sha256', shortSha(last.sha256), 'last-sha256');
    dl.lastChild.title = last.sha256 || '';
    fact(dl, 'raft index', String(last.index), 'last-index');
    fact(dl, 'raft term', String(last.term), 'last-term');
    return dl;
  }

  function restoreButton(job, storage, snap, state) {
    const s = job.status;
    const label = job.name + ' restore';
    const text = 'Restore snapshot "' + snap.name + '" from storage "' + storage + '" into vault "' + s.vault +
      '"?\n\nThe active node\'s data is REPLACED by the snapshot\'s: every secret written since ' +
      (snap.time || 'it was taken') + ' is lost. This cannot be undone.' +
      (state.force ? '\n\nForce is on: the snapshot is applied even if it came from another cluster.' : '');
    return el('button', VK.guard({ type: 'button', class: 'danger', 'data-action': 'restore', 'data-snapshot': snap.name,
      onclick: () => act('POST', '/v1/snapshot/' + encodeURIComponent(job.name) + '/restore', label, text,
        { storage, name: snap.name, force: !!state.force }),
      text: 'Restore…' }, 'restore', job.name));
  }

  function drillButton(job, storage, snap) {
    const verified = (a) => 'verified ' + a.name + ' (' + bytes(a.size) + ', sha256 ' + shortSha(a.sha256) +
      ', raft index ' + a.index + '); Vault received nothing';
    return el('button', VK.guard({ type: 'button', 'data-action': 'drill', 'data-snapshot': snap.name,
      onclick: () => act('POST', '/v1/snapshot/' + encodeURIComponent(job.name) + '/restore', job.name + ' drill',
        null, { storage, name: snap.name, dry_run: true }, verified),
      text: 'Drill' }, 'operate', job.name));
  }

  function storedList(job, storage, entry, state) {
    if (entry.error) return el('p', { class: 'error', text: storage + ': ' + entry.error });
    const snaps = entry.snapshots || [];
    const restore = job.status.allow_restore && (!job.status.encrypted || job.status.decrypt_with);
    return el('div', { class: 'stored', 'data-list': storage },
      el('h4', { text: storage + ' (' + snaps.length + ')' }),
      snaps.length ? el('table', { class: 'cycles' },
        el('thead', {}, el('tr', {}, ...['name', 'taken', 'size', 'sha256', 'verified', '', restore ? '' : null]
          .filter((h) => h !== null).map((h) => el('th', { text: h })))),
        el('tbody', {}, ...snaps.map((snap) => el('tr', { 'data-snapshot': snap.name },
          el('td', { text: snap.name }),
          el('td', { text: ago(snap.time), title: snap.time }),
          el('td', { class: 'num', text: bytes(snap.size) }),
          el('td', { text: shortSha(snap.sha256), title: snap.sha256 || '' }),
          el('td', { text: snap.verified ? 'yes' : 'no' }),
          el('td', {}, drillButton(job, storage, snap)),
          restore ? el('td', {}, restoreButton(job, storage, snap, state)) : null))))
        : el('p', { class: 'muted', text: 'No snapshot stored.' }));
  }

  function snapshotsView(job, box) {
    const name = job.name;
    const state = lists.get(name) || {};
    const toggle = el('button', { type: 'button', 'data-action': 'snapshots',
      text: state.open ? 'Hide snapshots' : 'Snapshots',
      onclick: async () => {
        if (state.open) { lists.set(name, { open: false }); return VK.refresh(); }
        try {
          lists.set(name, { open: true, data: await api('GET', '/v1/snapshot/' + encodeURIComponent(name) + '/list') });
        } catch (e) {
          lists.set(name, { open: true, error: e.message });
        }
        await VK.refresh();
      } });
    box.append(toggle);
    if (!state.open) return;
    if (state.error) return box.append(el('p', { class: 'error', text: 'Snapshots: ' + state.error }));
    const view = el('div', { class: 'plan', 'data-snapshots': name });
    if (job.status.allow_restore && job.status.encrypted && !job.status.decrypt_with)
      view.append(el('p', { class: 'muted', text: 'Encrypted snapshots without decrypt_with are restored by hand ' +
        '(vaultkeeper --decrypt-snapshot, then vault operator raft snapshot restore).' }));
    else if (job.status.allow_restore) {
      const force = el('input', { type: 'checkbox', 'data-field': 'force', checked: !!state.force });
      force.addEventListener('change', () => { state.force = force.checked; });
      view.append(el('label', { class: 'force' }, force,
        ' force (snapshot-force: apply a snapshot taken from another cluster)'));
    }
    for (const [storage, entry] of Object.entries(state.data.storages || {}))
      view.append(storedList(job, storage, entry, state));
    box.append(view);
  }

  function render(job, box) {
    const s = job.status || {};
    box.append(el('h3', {}, 'snapshot ', badge(s.mode || 'unknown', 'role')));
    const facts = el('dl', { class: 'meta' });
    fact(facts, 'vault', s.vault, 'vault');
    fact(facts, 'encrypted', s.encrypted ? 'yes (CMS)' : 'no', 'encrypted');
    fact(facts, 'restore', s.allow_restore ? 'allowed' : 'disabled', 'allow-restore');
    box.append(facts);
    box.append(el('h4', { text: 'Storages' }), storagesTable(s.storages || [], (s.last && s.last.storages) || {}));
    box.append(el('h4', { text: 'Last snapshot' }), lastSnapshot(s.last));
    snapshotsView(job, box);
  }

  VK.registerKind('snapshot', { render });
})();
