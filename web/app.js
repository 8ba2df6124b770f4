// vaultkeeper status page: every job with its state, last cycles and controls, refreshed every few seconds.
// Kinds add their own section through VK.registerKind(name, {render(job, box)}) from their kind-<name>.js file.
// Everything that comes from the API is written with textContent: nothing it returns is ever parsed as HTML.
'use strict';

const VK = (() => {
  const TOKEN_KEY = 'vaultkeeper-admin-token';
  const REFRESH_MS = 5000;
  const CYCLES_SHOWN = 8;
  const kinds = {};
  let timer = null;
  let me = null;  // GET /v1/whoami: the token's name, scopes and job globs

  const $ = (id) => document.getElementById(id);

  // el('div', {class: 'x', text: 'y'}, child...): a DOM element; text goes through textContent.
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') e.textContent = String(v);
      else if (k === 'onclick') e.addEventListener('click', v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  async function api(method, path, body) {
    const headers = { Authorization: 'Bearer ' + (token() || '') };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
    let answer = null;
    try { answer = await res.json(); } catch (_) { answer = null; }
    if (!res.ok) {
      const err = (answer && answer.error) || {};
      throw new ApiError(res.status, err.code || 'http_' + res.status, err.message || res.statusText);
    }
    return answer;
  }

  function ago(iso) {
    if (!iso) return '—';
    const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
    if (s < 0) return 'in ' + duration(-s);
    if (s < 1) return 'just now';
    return duration(s) + ' ago';
  }

  function duration(seconds) {
    if (seconds === undefined || seconds === null) return '—';
    if (seconds < 1) return Math.round(seconds * 1000) + ' ms';
    if (seconds < 90) return (Math.round(seconds * 10) / 10) + ' s';
    if (seconds < 5400) return Math.round(seconds / 60) + ' min';
    return (Math.round(seconds / 360) / 10) + ' h';
  }

  // A job-name glob ('*' any run, '?' one character) as the daemon matches it.
  function globMatch(glob, name) {
    const re = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return new RegExp('^' + re + '$').test(name);
  }

  // Why the token may not use `scope` on job `jobName` ('' when it may): the page disables such a button and
  // shows this as its title, as the daemon would answer 403.
  function denied(scope, jobName) {
    if (!me) return '';
    if (!me.scopes.includes(scope)) return 'this token (' + me.name + ') lacks the "' + scope + '" scope';
    if (me.jobs.length && jobName && !me.jobs.some((g) => globMatch(g, jobName)))
      return 'this token (' + me.name + ') may not act on job "' + jobName + '"';
    return '';
  }

  // A button's attributes, disabled with the reason when the token may not use it.
  function guard(attrs, scope, jobName) {
    const why = denied(scope, jobName);
    if (!why) return attrs;
    return { ...attrs, disabled: true, title: why, 'data-denied': scope };
  }

  function badge(text, kind) { return el('span', { class: 'badge ' + (kind || text), text }); }

  // One label/value pair of a <dl class="meta">; data-field names the value for tests.
  function fact(dl, label, value, field) {
    dl.append(el('dt', { text: label }), el('dd', { 'data-field': field, text: value }));
  }

  // A Unix time (seconds) as "… ago"; 0 or missing is "—".
  const agoUnix = (unix) => (unix ? ago(new Date(unix * 1000).toISOString()) : '—');

  function message(text, isError) {
    const m = $('message');
    m.hidden = !text;
    m.textContent = text || '';
    m.className = 'banner' + (isError ? ' error' : '');
  }

  function showLogin(error) {
    stop();
    $('jobs').replaceChildren();
    $('login').hidden = false;
    $('forget').hidden = true;
    $('refresh').hidden = true;
    $('login-error').textContent = error || '';
    $('token').focus();
  }

  // Runs an action; dangerous ones ask first. Refreshes the page after. describe(answer), when given, words the
  // answer for the banner (otherwise "done").
  async function act(method, path, label, confirmText, body, describe) {
    if (confirmText && !window.confirm(confirmText)) return;
    try {
      const answer = await api(method, path, body);
      message(label + ': ' + (describe ? describe(answer) : 'done'));
    } catch (e) {
      if (e.status === 401) return showLogin('The admin token was refused.');
      message(label + ': ' + e.message, true);
    }
    await refresh();
  }

  function controls(job) {
    const base = '/v1/jobs/' + encodeURIComponent(job.name);
    const stopped = job.state === 'halted' || job.state === 'failed';
    const operate = (attrs) => guard(attrs, 'operate', job.name);
    return el('div', { class: 'actions' },
      el('button', operate({ type: 'button', 'data-action': 'trigger', disabled: stopped || job.state === 'running' || job.state === 'standby',
        onclick: () => act('POST', base + '/trigger', job.name + ' trigger') , text: 'Trigger cycle' })),
      el('button', operate({ type: 'button', class: 'danger', 'data-action': 'halt', disabled: stopped || job.state === 'standby',
        onclick: () => act('POST', base + '/halt', job.name + ' halt',
          'Halt job "' + job.name + '"? The running cycle is cancelled and no cycle starts until you resume it.'),
        text: 'Halt' })),
      el('button', operate({ type: 'button', 'data-action': 'resume', disabled: !stopped,
        onclick: () => act('POST', base + '/resume', job.name + ' resume'), text: 'Resume' })));
  }

  function cyclesTable(cycles) {
    if (!cycles.length) return el('p', { class: 'muted', text: 'No cycle yet.' });
    const rows = cycles.slice(0, CYCLES_SHOWN).map((c) => el('tr', { 'data-cycle': c.id },
      el('td', { text: '#' + c.id }),
      el('td', { text: ago(c.start), title: c.start }),
      el('td', {}, badge(c.outcome)),
      el('td', { class: 'num', text: duration(c.duration_seconds) }),
      el('td', { class: 'num' + (c.warnings ? ' warn' : ''), text: c.warnings }),
      el('td', { class: 'num' + (c.errors ? ' bad' : ''), text: c.errors }),
      el('td', { class: 'errtext', text: c.error || '' })));
    return el('table', { class: 'cycles' },
      el('thead', {}, el('tr', {}, ...['cycle', 'started', 'outcome', 'duration', 'warnings', 'errors', 'error']
        .map((h) => el('th', { text: h })))),
      el('tbody', {}, ...rows));
  }

  // The HA lock as this replica sees it: off (no HA), held here, held by another replica (named) or by nobody,
  // or left by a replica that stopped renewing: free once Consul expires that replica's session.
  function holderText(job) {
    switch (job.lock) {
      case 'held': return job.holder + ' (this replica)';
      case 'expiring': return 'unheld (waiting for ' + job.lock_waiting_for + "'s session to expire)";
      case 'unheld': return job.holder || 'unheld';
      default: return '— (no HA)';
    }
  }

  function jobCard(job, cycles) {
    const meta = el('dl', { class: 'meta' },
      el('dt', { text: 'kind' }), el('dd', { text: job.kind }),
      el('dt', { text: 'interval' }), el('dd', { text: job.interval + ' (timeout ' + job.timeout + ')' }),
      el('dt', { text: 'next run' }), el('dd', { text: job.next_run ? ago(job.next_run) : '—' }),
      el('dt', { text: 'holder' }), el('dd', { 'data-lock': job.lock || 'off', text: holderText(job) }));
    const card = el('article', { class: 'card job state-' + job.state, 'data-job': job.name, 'data-state': job.state },
      el('header', {},
        el('h2', { text: job.name }), badge(job.kind, 'kind'), badge(job.state, 'state ' + job.state),
        el('span', { class: 'spacer' }), controls(job)),
      meta);
    const last = job.last_cycle;
    if (last && last.error)
      card.append(el('p', { class: 'error', text: 'Last cycle ' + last.outcome + ': ' + last.error }));
    const section = kinds[job.kind];
    if (section) {
      const box = el('section', { class: 'kind kind-' + job.kind });
      try { section.render(job, box); } catch (e) { box.append(el('p', { class: 'error', text: String(e) })); }
      card.append(box);
    }
    card.append(el('h3', { text: 'Last cycles' }), cyclesTable(cycles));
    return card;
  }

  // HA: the live replicas and the jobs each holds (GET /v1/ha); hidden without HA.
  function showReplicas(ha) {
    const box = $('replicas');
    box.hidden = !ha.enabled;
    if (!ha.enabled) return;
    const list = el('ul', {});
    for (const r of ha.replicas || []) {
      list.append(el('li', { 'data-replica': r.id, 'data-jobs': String(r.jobs),
        text: r.id + (r.self ? ' (this replica)' : '') + ': ' + r.jobs + (r.jobs === 1 ? ' job' : ' jobs') }));
    }
    if (!ha.replicas) list.append(el('li', { class: 'muted', text: 'not listed yet' }));
    const how = ha.balance ? ' — jobs balanced across them' : ' — first come holds every job';
    box.replaceChildren(el('h2', { text: 'Replicas' }),
      el('p', { class: 'muted', text: 'locks: ' + ha.locks + how }), list);
  }

  let refreshing = false;
  async function refresh() {
    if (!token() || refreshing) return;
    refreshing = true;
    try {
      me = await api('GET', '/v1/whoami');
      $('whoami').textContent = me.name + ' (' + me.scopes.join(', ') + (me.jobs.length ? '; jobs ' + me.jobs.join(', ') : '') + ')';
      showReplicas(await api('GET', '/v1/ha'));
      const list = await api('GET', '/v1/jobs');
      // A token limited to some jobs sees those; the others would answer 403.
      const readable = list.jobs.filter((j) => !denied('read', j.name));
      const cards = await Promise.all(readable.map(async (j) => {
        const path = '/v1/jobs/' + encodeURIComponent(j.name);
        const [detail, cycles] = await Promise.all([api('GET', path), api('GET', path + '/cycles')]);
        return jobCard(detail, cycles.cycles);
      }));
      const jobs = $('jobs');
      if (!cards.length) cards.push(el('p', { class: 'muted', text: 'No job is configured.' }));
      jobs.replaceChildren(...cards);
      $('refreshed').textContent = 'updated ' + new Date().toLocaleTimeString();
      if ($('message').classList.contains('stale')) message('');
    } catch (e) {
      if (e.status === 401) { sessionStorage.removeItem(TOKEN_KEY); showLogin('The admin token was refused.'); }
      else { message('Cannot reach the admin API: ' + e.message, true); $('message').classList.add('stale'); }
    } finally {
      refreshing = false;
    }
  }

  function stop() { if (timer) clearInterval(timer); timer = null; }

  function start() {
    $('login').hidden = true;
    $('forget').hidden = false;
    $('refresh').hidden = false;
    stop();
    timer = setInterval(refresh, REFRESH_MS);
    return refresh();
  }

  async function init() {
    try {
      const h = await (await fetch('/v1/health', { cache: 'no-store' })).json();
      $('version').textContent = 'v' + h.version;
    } catch (_) { /* the job list says what is wrong */ }
    $('login-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
      $('token').value = '';
      start();
    });
    $('forget').addEventListener('click', () => { sessionStorage.removeItem(TOKEN_KEY); showLogin(''); });
    $('refresh').addEventListener('click', () => refresh());
    if (token()) start(); else showLogin('');
  }

  document.addEventListener('DOMContentLoaded', init);

  return {
    el, api, act, ago, agoUnix, duration, badge, fact, message, refresh, guard,
    // A kind's section: render(job, box) fills `box` from the job detail (job.status is the kind's status).
    registerKind(name, section) { kinds[name] = section; },
  };
})();
