// The emissary kind's section: per template its destination and state (waiting with the missing references,
// rendered, error), last render and change, the last command exit status; source errors; the command's last run.
// References and paths only: the status never carries a value.
'use strict';

(() => {
  const { el, ago, badge, fact } = VK;
  const STATE_BADGE = { rendered: 'ok', waiting: 'halted', error: 'failed' };

  function stateCell(t) {
    const cell = el('td', {}, badge(t.state, STATE_BADGE[t.state] || t.state));
    if (t.state === 'waiting' && t.missing && t.missing.length)
      cell.append(el('ul', { class: 'paths', 'data-missing': t.destination }, ...t.missing.map((m) => el('li', { text: m }))));
    if (t.error) cell.append(el('div', { class: 'errtext', text: t.error }));
    if (t.would_change) cell.append(el('div', { class: 'warn', text: 'would change (dry run)' }));
    return cell;
  }

  function templatesTable(templates) {
    if (!templates.length) return el('p', { class: 'muted', text: 'No template.' });
    return el('table', { class: 'cycles templates' },
      el('thead', {}, el('tr', {}, ...['destination', 'state', 'last render', 'last change', 'command exit']
        .map((h) => el('th', { text: h })))),
      el('tbody', {}, ...templates.map((t) => el('tr', { 'data-template': t.destination, 'data-state': t.state },
        el('td', { text: t.destination, title: t.template || '' }),
        stateCell(t),
        el('td', { text: ago(t.last_render), title: t.last_render || '' }),
        el('td', { text: ago(t.last_change), title: t.last_change || '' }),
        el('td', { class: 'num', text: t.last_command_exit_status === null || t.last_command_exit_status === undefined
          ? '—' : String(t.last_command_exit_status) })))));
  }

  function commandFacts(c) {
    const dl = el('dl', { class: 'meta' });
    const add = (label, value, field) => fact(dl, label, value, field);
    add('command runs', String(c.runs || 0), 'command-runs');
    add('last outcome', c.outcome || '—', 'command-outcome');
    add('exit status', c.exit_status === null || c.exit_status === undefined ? '—' : String(c.exit_status), 'command-exit');
    add('last run', ago(c.at), 'command-at');
    if (c.pending) add('next run', 'pending (wait window open)', 'command-pending');
    return dl;
  }

  function render(job, box) {
    const s = job.status || {};
    const templates = s.templates || [];
    const waiting = templates.filter((t) => t.state === 'waiting').length;
    const mode = s.dry_run ? 'dry run' : s.once ? (s.finished ? 'once: finished' : 'once') : 'continuous';
    box.append(el('h3', {}, 'emissary ', badge(mode, 'role')));
    if (waiting) box.append(el('p', { class: 'warn', 'data-field': 'waiting',
      text: waiting + ' of ' + templates.length + ' templates wait for values.' }));
    box.append(el('h4', { text: 'Templates' }), templatesTable(templates));
    if (s.source_errors && s.source_errors.length)
      box.append(el('h4', { text: 'Source errors' }), el('ul', { class: 'failures' }, ...s.source_errors.map((e) =>
        el('li', { class: 'error', text: e.source + ' ' + e.path + ': ' + e.error }))));
    if (s.command) box.append(el('h4', { text: 'Command' }), commandFacts(s.command));
  }

  VK.registerKind('emissary', { render });
})();
