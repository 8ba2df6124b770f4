// The sync kind's section: role, lag, last save's counts, failed paths, held deletes (approve) and the plan.
'use strict';

(() => {
  const { el, api, act, duration, badge } = VK;
  const plans = new Map();  // job -> {open, data, error}: survives the periodic refresh

  function counts(obj) {
    const entries = Object.entries(obj || {});
    if (!entries.length) return el('p', { class: 'muted', text: 'No completed save yet.' });
    return el('dl', { class: 'counts' }, ...entries.flatMap(([k, v]) => [
      el('dt', { text: k.replaceAll('_', ' ') }),
      el('dd', { 'data-count': k, text: typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : String(v) })]));
  }

  function pathList(title, items) {
    if (!items.length) return null;
    return el('details', {},
      el('summary', { text: title + ' (' + items.length + ')' }),
      el('ul', { class: 'paths' }, ...items.slice(0, 200).map((p) =>
        el('li', { text: p.path === p.to ? p.path : p.path + ' → ' + p.to }))));
  }

  function planView(name, box) {
    const state = plans.get(name) || {};
    const toggle = el('button', { type: 'button', 'data-action': 'plan', text: state.open ? 'Hide plan' : 'Show plan',
      onclick: async () => {
        if (state.open) { plans.set(name, { open: false }); return VK.refresh(); }
        try {
          plans.set(name, { open: true, data: await api('GET', '/v1/sync/' + encodeURIComponent(name) + '/plan') });
        } catch (e) {
          plans.set(name, { open: true, error: e.message });
        }
        await VK.refresh();
      } });
    box.append(toggle);
    if (!state.open) return;
    if (state.error) return box.append(el('p', { class: 'error', text: 'Plan: ' + state.error }));
    const p = state.data;
    const g = p.deletion_guard;
    box.append(el('div', { class: 'plan', 'data-plan': name },
      el('p', { text: 'Next cycle: ' + p.add.length + ' to add, ' + p.update.length + ' to update, ' +
        p.delete.length + ' to delete' + (p.ignore_deletes ? ' (deletes ignored)' : '') + '; ' + p.synced +
        ' synced so far.' }),
      g.hold ? el('p', { class: 'warn', text: 'The deletion guard would hold the deletes: ' +
        g.percent.toFixed(1) + '% of the synced secrets, over the ' + g.max_delete_percent + '% limit.' }) : null,
      pathList('add', p.add), pathList('update', p.update), pathList('delete', p.delete)));
  }

  function render(job, box) {
    const s = job.status || {};
    const name = job.name;
    box.append(el('h3', {}, 'sync ', badge(s.role || 'unknown', 'role'), s.state === 'waiting' ? ' ' : null,
      s.state === 'waiting' ? badge('waiting', 'sync-state') : null));
    const facts = el('dl', { class: 'meta' });
    if (s.role === 'destination') {
      facts.append(el('dt', { text: 'lag' }), el('dd', { 'data-field': 'lag', text: s.state === 'waiting' ? '— (no origin yet)' : duration(s.lag_seconds) }),
        el('dt', { text: 'failed paths' }), el('dd', { text: String(s.failed_paths || 0) }),
        el('dt', { text: 'held deletes' }), el('dd', { 'data-field': 'held-deletes', text: String(s.held_deletes || 0) }));
    } else if (s.sync_prefix) {
      facts.append(el('dt', { text: 'publishes under' }), el('dd', { text: s.sync_prefix }));
    }
    box.append(facts);
    // A destination whose origin never published waits: a state, not a failure (an alert after origin_grace).
    if (s.waiting)
      box.append(el('p', { class: s.waiting.overdue ? 'warn' : 'muted', 'data-field': 'waiting',
        text: 'Waiting since ' + s.waiting.since + ': ' + s.waiting.reason +
          (s.waiting.overdue ? ' Longer than origin_grace: an alert went out.' : '') }));
    // An approval names the plan id of exactly the held set (a changed set answers 409 with the new id).
    const held = s.role === 'destination' ? s.held_deletes : s.held_vanished;
    if (held > 0 && s.held_plan) {
      const what = s.role === 'destination' ? held + ' deletes are held by the deletion guard'
        : 'A publish that drops ' + held + ' secrets is held by the publish guard';
      box.append(el('div', { class: 'held' },
        el('p', { class: 'warn', text: what + ' and wait for approval.' }),
        el('button', VK.guard({ type: 'button', class: 'danger', 'data-action': 'approve-deletes',
          onclick: () => act('POST', '/v1/sync/' + encodeURIComponent(name) + '/approve-deletes', name + ' approve deletes',
            'Approve ' + held + ' deletes for "' + name + '"? The secrets are soft-deleted in its destinations.',
            { plan: s.held_plan }),
          text: 'Approve ' + held + ' deletes' }, 'approve', name))));
    }
    if (s.failures && s.failures.length)
      box.append(el('ul', { class: 'failures' }, ...s.failures.map((f) => el('li', { class: 'error', text: f.path + ': ' + f.error }))));
    box.append(el('h4', { text: 'Last save' }), counts(s.last_cycle));
    if (s.role === 'destination') planView(name, box);
  }

  VK.registerKind('sync', { render });
})();
