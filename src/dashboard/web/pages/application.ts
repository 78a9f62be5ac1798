import { api, ApiError, type Schemas } from '../api.js';
import { badge, field, h, problemView, safeHref, section, select, table, uid } from '../dom.js';
import { code, formatDate, lang, t } from '../i18n.js';
import { isLead, isReviewer, isVendor, type Route } from '../state.js';
import { stateBadge } from './queue.js';

type Application = Schemas['Application'];
type Version = Schemas['SystemVersion'];
type Evidence = Schemas['ApplicationEvidence'];

/** Shows a profile's value readably: lists joined, objects as key: value. */
function showValue(v: unknown): string {
  if (Array.isArray(v)) return v.map(showValue).join(', ');
  if (v && typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k}: ${showValue(x)}`).join('; ');
  return String(v);
}

/** A source's reference: a link when its URL is http(s), plain text otherwise. */
export function sourceLink(source: Pick<Schemas['Source'], 'ref' | 'url'>): HTMLElement {
  const href = safeHref(source.url);
  return href ? h('a', { href, rel: 'noopener noreferrer', target: '_blank' }, source.ref) : h('span', {}, source.ref);
}

export function sourceView(source: Schemas['Source']): HTMLElement {
  return h('span', { class: 'source' }, sourceLink(source), ' ', badge(code('source', source.status), `source-${source.status}`));
}

export function profileView(profile: Schemas['Profile']): HTMLElement {
  return h('dl', { class: 'kv profile' }, ...Object.entries(profile).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, showValue(v))]));
}

/** The FDA device types a result matched: regulation, product code, class, special controls, decisions and sources. */
export function deviceTypesView(d: NonNullable<Schemas['FrameworkResult']['deviceTypes']>): HTMLElement {
  const lead = d.fit === 'none' ? 'deviceTypesNone' : d.fit === 'one' ? 'deviceTypesOne' : 'deviceTypesSeveral';
  const decision = (x: Schemas['DeviceDecision']) => `${x.number} — ${x.device} (${formatDate(x.date)})`;
  return h('div', { class: 'device-types', 'data-catalogue': d.catalogue },
    h('h4', {}, t('deviceTypes')),
    h('p', {}, t(lead, { catalogue: d.catalogue })),
    d.productCode ? h('p', { class: 'muted' }, t('declaredCode', { status: d.productCode })) : null,
    d.predicate ? h('p', { class: 'muted' }, t('declaredPredicate', { status: d.predicate })) : null,
    ...d.matches.map((m) => h('section', { class: 'device-type', 'data-product-code': m.productCode },
      h('h5', {}, h('code', {}, m.productCode), ` — ${m.name}`),
      h('dl', { class: 'kv' },
        h('dt', {}, t('regulationLabel')), h('dd', {}, `21 CFR ${m.regulation} — ${m.regulationTitle}`),
        h('dt', {}, t('deviceClassLabel')), h('dd', {}, m.deviceClass),
        h('dt', {}, t('identificationLabel')), h('dd', {}, h('q', { lang: 'en' }, m.identification.text), m.identification.quoted ? '' : ` (${t('paraphrased')})`),
        h('dt', {}, t('specialControls')), h('dd', {}, m.specialControls ? `${m.specialControls.citation}: ${m.specialControls.summary}` : t('noSpecialControls')),
        m.deNovo ? h('dt', {}, t('deNovoLabel')) : null, m.deNovo ? h('dd', {}, decision(m.deNovo)) : null,
        h('dt', {}, t('candidatePredicates')), h('dd', {}, m.decisions.length ? h('ul', {}, ...m.decisions.map((x) => h('li', {}, decision(x)))) : '—'),
        h('dt', {}, t('sources')), h('dd', {}, h('ul', {}, ...m.sources.map((s) => h('li', {}, sourceView(s)))))))));
}

/** One framework's result: reasons with their sources, obligations, counterfactuals. */
export function frameworkDetails(r: Schemas['FrameworkResult'], counterfactuals: Schemas['Counterfactual'][], open: boolean): HTMLElement {
  const cfs = counterfactuals.filter((c) => c.framework === r.framework);
  return h('details', { class: 'framework', open, 'data-framework': r.framework },
    h('summary', {}, h('strong', {}, code('fw', r.framework)), ` — ${r.class ?? r.provisionalClass ?? '?'} `, badge(code('disp', r.disposition), `disp-${r.disposition}`)),
    h('p', { class: 'muted' }, `${t('ruleset')}: `, h('a', { href: `#/rulesets/${encodeURIComponent(r.framework)}?version=${encodeURIComponent(r.ruleset.split('@')[1] ?? '')}` }, r.ruleset),
      r.pathway ? ` · ${t('pathway')}: ${r.pathway}` : ''),
    h('h4', {}, t('reasons')),
    h('ol', { class: 'reasons' }, ...r.reasons.map((x) => h('li', {},
      h('code', { class: 'rule' }, x.rule), ' ',
      x.class ? badge(x.class, 'class') : null, ' ',
      h('span', { class: 'reason-text' }, x.text), ' ',
      sourceView(x.source)))),
    r.deviceTypes ? deviceTypesView(r.deviceTypes) : null,
    r.obligations.length ? h('h4', {}, t('obligations')) : null,
    r.obligations.length ? h('ul', {}, ...r.obligations.map((o) => h('li', {}, o.text, o.appliesFrom ? ` (${formatDate(o.appliesFrom)})` : '', ' ', sourceView(o.source)))) : null,
    h('h4', {}, t('counterfactuals')),
    cfs.length ? h('ul', { class: 'counterfactuals' }, ...cfs.map((c) => h('li', {}, c.text))) : h('p', { class: 'muted' }, t('noCounterfactuals')),
  );
}

export async function applicationPage(id: string, _route: Route): Promise<HTMLElement> {
  let answer = await api('get', '/v1/applications/{id}', { path: { id } });
  let app: Application = answer.data;
  let etag = answer.etag ?? app.etag;
  const [version, rulesets] = await Promise.all([
    api('get', '/v1/systems/{id}/versions/{n}', { path: { id: app.systemId, n: app.version } }).then((r) => r.data as Version).catch(() => null),
    api('get', '/v1/rulesets').then((r) => r.data.items).catch(() => []),
  ]);
  let users: Schemas['User'][] | null = null;
  if (isLead()) users = await api('get', '/v1/organisations/{id}/users', { path: { id: app.centreId } }).then((r) => r.data.items).catch(() => null);

  const root = h('div', { class: 'page application-page' });
  const flash = h('div', { 'aria-live': 'polite', id: 'flash', tabindex: -1 });

  async function reload(): Promise<void> {
    answer = await api('get', '/v1/applications/{id}', { path: { id } });
    app = answer.data;
    etag = answer.etag ?? app.etag;
  }

  /** Focuses the flash message after a redraw, so keyboard users are not dropped to <body>. */
  function focusFlash(): void {
    flash.focus({ preventScroll: false });
  }

  /**
   * Runs a write, shows its problem beside `status` or reloads and redraws on success. The
   * `controls` (the triggering button, or every button of the group) are disabled until the
   * request settles, so a write is never sent twice; they are re-enabled (as they were) when the
   * write fails. After a successful write the page is redrawn with new controls and focus moves
   * to the flash message (or wherever `after` puts it).
   */
  async function act(status: HTMLElement, controls: HTMLButtonElement[], write: () => Promise<unknown>, after?: () => void): Promise<void> {
    if (controls.some((c) => c.disabled && c.dataset.busy === 'true')) return;
    const before = controls.map((c) => c.disabled);
    const hadFocus = controls.find((c) => c === document.activeElement);
    for (const c of controls) {
      c.disabled = true;
      c.dataset.busy = 'true';
      c.setAttribute('aria-busy', 'true');
    }
    const release = () => controls.forEach((c, i) => {
      c.disabled = before[i];
      delete c.dataset.busy;
      c.removeAttribute('aria-busy');
    });
    status.replaceChildren();
    let written = false;
    try {
      await write();
      written = true;
      await reload();
      draw();
      flash.replaceChildren(h('p', { class: 'ok' }, t('done')));
      focusFlash();
      after?.();
    } catch (err) {
      if (!written && err instanceof ApiError && err.status === 412) {
        // Someone else changed the application: show the fresh one, if it can be fetched.
        try {
          await reload();
          draw();
          flash.replaceChildren(h('p', { class: 'problem', role: 'alert' }, t('staleReloaded')));
          focusFlash();
          return;
        } catch (reloadErr) {
          err = reloadErr;
        }
      }
      // A write that was accepted is not offered again (its answer may be unknown): the problem
      // says why the page could not be refreshed. A refused write can be corrected and retried.
      if (!written) release();
      status.replaceChildren(problemView(err));
      if (!written && hadFocus && (document.activeElement === null || document.activeElement === document.body)) hadFocus.focus();
    }
  }

  function summaryView(): HTMLElement {
    const cert = app.certificateNumber
      ? h('a', { href: `#/certificates/${encodeURIComponent(app.certificateNumber)}`, id: 'certificate-number' }, app.certificateNumber)
      : h('span', {}, '—');
    return section(t('summary'), 'summary',
      h('dl', { class: 'kv' },
        h('dt', {}, t('state')), h('dd', { id: 'app-state' }, stateBadge(app.state)),
        h('dt', {}, t('tier')), h('dd', {}, badge(code('tier', app.riskTier), `tier-${app.riskTier}`)),
        h('dt', {}, t('organisation')), h('dd', {}, app.organisationName),
        h('dt', {}, t('centre')), h('dd', {}, app.centreName),
        h('dt', {}, t('assignee')), h('dd', {}, app.assignee?.name ?? t('nobody')),
        h('dt', {}, t('deadline')), h('dd', {}, formatDate(app.deadline), app.overdue ? h('span', {}, ' ', badge(t('overdue'), 'overdue')) : null),
        h('dt', {}, t('created')), h('dd', {}, formatDate(app.createdAt, true)),
        h('dt', {}, t('submitted')), h('dd', {}, formatDate(app.submittedAt, true)),
        h('dt', {}, t('decided')), h('dd', {}, formatDate(app.decidedAt, true)),
        h('dt', {}, t('certificate')), h('dd', {}, cert),
      ),
      app.reason ? h('p', {}, `${t('reReviewReason')}: ${app.reason}`) : null,
      app.fourEyes ? h('p', { class: 'notice' }, t('fourEyes')) : null,
      h('p', { class: 'links' },
        h('a', { href: `/v1/applications/${encodeURIComponent(app.id)}/report.pdf?lang=${lang()}`, id: 'report-link', download: `report-${app.id}-${lang()}.pdf` }, t('downloadReport')),
        ' · ', h('a', { href: `#/systems/${app.systemId}?version=${app.version}` }, t('openSystem'))),
    );
  }

  function actionsView(): HTMLElement {
    const status = h('div', { 'aria-live': 'polite' });
    const comment = h('textarea', { id: 'transition-comment', rows: 3, maxlength: 10000 });
    const required = app.allowedTransitions.filter((x) => x.commentRequired).map((x) => code('tr', x.transition));
    // One transition at a time: while one is sent, every transition button waits.
    const all: HTMLButtonElement[] = [];
    const buttons = app.allowedTransitions.map((x) => {
      const blockedId = uid('blocked');
      const blocked = x.blockedBy.length > 0;
      const button = h('button', {
        type: 'button', class: x.transition === 'reject' || x.transition === 'revoke' ? 'danger' : '', id: `transition-${x.transition}`,
        'data-transition': x.transition, disabled: blocked, 'aria-describedby': blocked ? blockedId : null,
      }, code('tr', x.transition));
      all.push(button);
      button.addEventListener('click', () => {
        const text = comment.value.trim();
        if (x.commentRequired && !text) {
          status.replaceChildren(h('p', { class: 'problem', role: 'alert' }, t('commentRequired', { t: code('tr', x.transition) })));
          comment.setAttribute('aria-invalid', 'true');
          comment.focus();
          return;
        }
        void act(status, all, () => api('post', '/v1/applications/{id}/transitions', {
          path: { id }, headers: { 'if-match': etag }, body: { transition: x.transition, ...(text ? { comment: text } : {}) },
        }));
      });
      return h('li', { class: 'transition' }, button,
        blocked ? h('div', { id: blockedId, class: 'blocked' }, t('blockedBecause'),
          h('ul', {}, ...x.blockedBy.map((b) => h('li', {}, h('code', {}, b.guard), ': ', b.detail)))) : null);
    });
    return section(t('actions'), 'actions',
      app.allowedTransitions.length === 0 ? h('p', { class: 'muted' }, t('transitionsNone')) : h('div', {},
        field(t('comment'), comment, required.length ? t('commentRequired', { t: required.join(', ') }) : undefined),
        h('ul', { class: 'transitions' }, ...buttons)),
      status,
    );
  }

  /** A four-eyes transition that took effect at once: everyone sees the deadline; a lead reviewer confirms it. */
  function confirmationView(): HTMLElement | null {
    const p = app.pendingConfirmation;
    if (!p) return null;
    const text = h('p', { class: 'blocked', role: 'status' }, t('pendingConfirmationText', { t: code('tr', p.transition), who: p.requestedBy.name ?? '?', at: formatDate(p.requestedAt, true), due: formatDate(p.dueAt, true) }));
    if (!isLead()) return section(t('pendingConfirmation'), 'confirmation', text);
    const status = h('div', { 'aria-live': 'polite' });
    const comment = h('textarea', { id: 'confirm-comment', rows: 2, required: true, maxlength: 10000 });
    const submit = h('button', { type: 'submit', id: 'confirm-button' }, t('confirmButton'));
    const form = h('form', { novalidate: true }, field(t('comment'), comment), submit, status);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!comment.value.trim()) {
        status.replaceChildren(h('p', { class: 'problem', role: 'alert' }, t('reviewCommentRequired')));
        comment.focus();
        return;
      }
      void act(status, [submit], () => api('post', '/v1/applications/{id}/countersignatures', { path: { id }, body: { transition: p.transition, comment: comment.value.trim() } }));
    });
    return section(t('pendingConfirmation'), 'confirmation', text, form);
  }

  function countersignView(): HTMLElement | null {
    if (app.pendingConfirmation) return confirmationView();
    if (!isLead() || !app.fourEyes || app.state !== 'under_review') return null;
    const status = h('div', { 'aria-live': 'polite' });
    const which = select([['approve', code('tr', 'approve')], ['reject', code('tr', 'reject')]], 'approve', { id: 'countersign-transition' });
    const comment = h('textarea', { id: 'countersign-comment', rows: 2, required: true, maxlength: 10000 });
    const submit = h('button', { type: 'submit', id: 'countersign-button' }, t('countersignButton'));
    // novalidate: the page's own (translated) messages, not the browser's.
    const form = h('form', { novalidate: true }, field(t('countersignFor'), which), field(t('comment'), comment), submit, status);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!comment.value.trim()) {
        status.replaceChildren(h('p', { class: 'problem', role: 'alert' }, t('reviewCommentRequired')));
        comment.focus();
        return;
      }
      void act(status, [submit], () => api('post', '/v1/applications/{id}/countersignatures', { path: { id }, body: { transition: which.value, comment: comment.value.trim() } }));
    });
    return section(t('countersign'), 'countersign', h('p', { class: 'muted' }, t('countersignIntro')), form);
  }

  function assignmentView(): HTMLElement | null {
    if (!isLead() || !users) return null;
    const status = h('div', { 'aria-live': 'polite' });
    const reviewers = users.filter((u) => !u.disabled && (u.role === 'reviewer' || u.role === 'lead_reviewer'));
    const who = select(reviewers.map((u): [string, string] => [u.id, `${u.name} (${code('role', u.role)})`]), app.assignee?.id ?? '', { id: 'assign-user' });
    const comment = h('input', { type: 'text', id: 'assign-comment', maxlength: 10000 });
    const submit = h('button', { type: 'submit', id: 'assign-button' }, t('assignButton'));
    const form = h('form', { class: 'inline-form' }, field(t('assignTo'), who), field(t('comment'), comment), submit, status);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void act(status, [submit], () => api('post', '/v1/applications/{id}/assignment', { path: { id }, body: { assigneeId: who.value, ...(comment.value.trim() ? { comment: comment.value.trim() } : {}) } }));
    });
    return section(t('assignment'), 'assignment', form);
  }

  function classesView(): HTMLElement {
    const rows = app.classes.map((c) => [
      h('span', {}, code('fw', c.framework)),
      h('span', { class: 'class-engine' }, c.engineClass ?? '—'),
      h('strong', { class: 'class-effective' }, c.effectiveClass ?? '—'),
      badge(code('disp', c.disposition), `disp-${c.disposition}`),
      c.override ? h('span', {}, t('overriddenBy', { class: c.override.class, by: c.override.by.name ?? '?', why: c.override.justification })) : h('span', {}, '—'),
    ]);
    const parts: Array<HTMLElement | null> = [
      table(null, [t('framework'), t('engineClass'), t('effectiveClass'), t('disposition'), t('override')], rows, { id: 'classes-table' }),
    ];
    if (version) {
      const cls = version.classification;
      if (cls.findings.length) parts.push(h('h3', {}, t('findings')), h('ul', {}, ...cls.findings.map((f) => h('li', {}, f.text))));
      parts.push(h('div', { class: 'frameworks' }, ...cls.results.map((r, i) => frameworkDetails(r, cls.counterfactuals ?? [], i === 0))));
    }
    if (isReviewer() && ['submitted', 'under_review'].includes(app.state)) parts.push(overrideForm());
    return section(t('classification'), 'classification', ...parts);
  }

  function overrideForm(): HTMLElement {
    const status = h('div', { 'aria-live': 'polite' });
    const fw = select(app.classes.map((c): [string, string] => [c.framework, code('fw', c.framework)]), app.classes[0]?.framework ?? '', { id: 'override-framework' });
    const cls = h('select', { id: 'override-class' });
    const fill = () => {
      const pack = rulesets.find((r) => r.id === fw.value && r.active) ?? rulesets.find((r) => r.id === fw.value);
      cls.replaceChildren(...(pack?.classes ?? []).map((c) => h('option', { value: c }, c)));
    };
    fw.addEventListener('change', fill);
    fill();
    const why = h('textarea', { id: 'override-justification', rows: 2, minlength: 20, maxlength: 10000, required: true });
    const submit = h('button', { type: 'submit', id: 'override-button' }, t('overrideButton'));
    // novalidate: the page's own (translated) messages, not the browser's.
    const form = h('form', { class: 'override', novalidate: true },
      h('h3', {}, t('override')), h('p', { class: 'muted' }, t('overrideIntro')),
      h('div', { class: 'inline-form' }, field(t('framework'), fw), field(t('class'), cls)),
      field(t('justification'), why), submit, status);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (why.value.trim().length < 20) {
        status.replaceChildren(h('p', { class: 'problem', role: 'alert' }, t('justificationShort')));
        why.focus();
        return;
      }
      void act(status, [submit], () => api('post', '/v1/applications/{id}/overrides', { path: { id }, body: { framework: fw.value, class: cls.value, justification: why.value.trim() } }));
    });
    return form;
  }

  function evidenceItem(e: Evidence): HTMLElement {
    const status = h('div', { 'aria-live': 'polite' });
    const docs = e.documents.length
      ? h('ul', { class: 'documents' }, ...e.documents.map((d) => h('li', {},
        h('a', { href: `/v1/applications/${encodeURIComponent(app.id)}/documents/${encodeURIComponent(d.id)}`, download: d.filename }, d.filename),
        ` (${d.contentType}, ${d.size} B, ${formatDate(d.uploadedAt, true)}) `, h('code', { class: 'hash' }, d.sha256.slice(0, 19) + '…'))))
      : h('p', { class: 'muted' }, t('noDocuments'));
    const parts: Array<HTMLElement | null> = [
      h('h3', {}, h('code', {}, e.evidenceId), ' ', e.title, ' ', badge(code('ev', e.status), `ev-${e.status}`)),
      h('p', { class: 'muted' }, `${t('requiredBy')}: ${e.requiredBy.map((f) => code('fw', f)).join(', ')}`),
      docs,
      e.notApplicableReason ? h('p', {}, `${t('notApplicableReason')}: ${e.notApplicableReason}`) : null,
      e.review ? h('p', { class: 'review' }, t('reviewedBy', { decision: code('decision', e.review.decision), by: e.review.by.name ?? '?', comment: e.review.comment })) : null,
      e.validFrom || e.validUntil ? h('p', {}, t('validity', { from: formatDate(e.validFrom), until: formatDate(e.validUntil) })) : null,
    ];
    if (isReviewer() && app.state === 'under_review' && e.status !== 'missing') {
      const comment = h('input', { type: 'text', id: `review-comment-${e.evidenceId}`, maxlength: 10000, required: true });
      const from = h('input', { type: 'date', id: `review-from-${e.evidenceId}` });
      const until = h('input', { type: 'date', id: `review-until-${e.evidenceId}` });
      // Accept and reject wait together while either decision is sent.
      const accept = h('button', { type: 'button', id: `accept-${e.evidenceId}` }, t('accept'));
      const reject = h('button', { type: 'button', class: 'danger', id: `reject-${e.evidenceId}` }, t('reject'));
      const decide = (decision: 'accepted' | 'rejected') => {
        if (!comment.value.trim()) {
          status.replaceChildren(h('p', { class: 'problem', role: 'alert' }, t('reviewCommentRequired')));
          comment.focus();
          return;
        }
        void act(status, [accept, reject], () => api('post', '/v1/applications/{id}/evidence/{evidenceId}/review', {
          path: { id, evidenceId: e.evidenceId },
          body: { decision, comment: comment.value.trim(), ...(decision === 'accepted' && from.value ? { validFrom: from.value } : {}), ...(decision === 'accepted' && until.value ? { validUntil: until.value } : {}) },
        }), () => {
          // The item was redrawn: keep keyboard focus on it.
          const heading = document.getElementById(`evidence-${e.evidenceId}`)?.querySelector('h3');
          heading?.setAttribute('tabindex', '-1');
          heading?.focus();
        });
      };
      accept.addEventListener('click', () => decide('accepted'));
      reject.addEventListener('click', () => decide('rejected'));
      parts.push(h('div', { class: 'review-form inline-form', role: 'group', 'aria-label': `${t('review')} ${e.evidenceId}` },
        field(t('comment'), comment), field(t('validFrom'), from), field(t('validUntil'), until),
        h('div', { class: 'buttons' }, accept, reject)));
    }
    if (isVendor() && ['draft', 'information_requested'].includes(app.state) && e.status !== 'accepted') {
      const file = h('input', { type: 'file', id: `upload-file-${e.evidenceId}` });
      const reason = h('input', { type: 'text', id: `na-reason-${e.evidenceId}`, minlength: 10, maxlength: 10000 });
      // Uploading and claiming not applicable wait together while either is sent.
      const uploadButton = h('button', { type: 'button', id: `upload-${e.evidenceId}` }, t('upload'));
      const naButton = h('button', { type: 'button', class: 'secondary', id: `na-${e.evidenceId}` }, t('markNa'));
      uploadButton.addEventListener('click', () => {
        const f = file.files?.[0];
        if (!f) {
          status.replaceChildren(h('p', { class: 'problem', role: 'alert' }, t('chooseFile')));
          return;
        }
        const body = new FormData();
        body.append('file', f, f.name);
        void act(status, [uploadButton, naButton], () => api('post', '/v1/applications/{id}/evidence/{evidenceId}/documents', { path: { id, evidenceId: e.evidenceId }, body }));
      });
      naButton.addEventListener('click', () => {
        if (reason.value.trim().length < 10) {
          status.replaceChildren(h('p', { class: 'problem', role: 'alert' }, t('naReasonShort')));
          reason.focus();
          return;
        }
        void act(status, [uploadButton, naButton], () => api('post', '/v1/applications/{id}/evidence/{evidenceId}/not-applicable', { path: { id, evidenceId: e.evidenceId }, body: { reason: reason.value.trim() } }));
      });
      parts.push(h('div', { class: 'vendor-forms inline-form', role: 'group', 'aria-label': e.evidenceId },
        field(t('file'), file), uploadButton, field(t('naReason'), reason), naButton));
    }
    parts.push(status);
    return h('li', { class: `evidence ev-${e.status}`, id: `evidence-${e.evidenceId}` }, ...parts);
  }

  function historyView(): HTMLElement {
    return section(t('history'), 'history',
      app.history.length === 0 ? h('p', { class: 'muted' }, t('noHistory')) : h('ol', { class: 'history' }, ...app.history.map((x) => h('li', {},
        h('strong', {}, code('tr', x.transition)), ` ${x.from ? code('state', x.from) : '—'} → ${code('state', x.to)} · ${x.by.name ?? '?'} · ${formatDate(x.at, true)}`,
        x.comment ? h('blockquote', {}, x.comment) : null))),
      app.countersignatures.length ? h('h3', {}, t('countersignatures')) : null,
      app.countersignatures.length ? h('ul', {}, ...app.countersignatures.map((c) => h('li', {}, `${code('tr', c.transition)} · ${c.by.name ?? '?'} · ${formatDate(c.at, true)}: ${c.comment}`))) : null,
    );
  }

  const auditHolder = h('div');
  async function loadAudit(): Promise<void> {
    if (isVendor()) return;
    try {
      const { data } = await api('get', '/v1/applications/{id}/audit', { path: { id } });
      auditHolder.replaceChildren(section(t('audit'), 'audit', table(null, ['#', t('at'), t('actor'), t('action'), t('object')], data.items.map((x) => [
        String(x.seq), formatDate(x.at, true), x.actorName ?? x.actorType, h('code', {}, x.action), `${x.objectType} ${x.objectId.slice(0, 8)}`,
      ]), { class: 'audit' })));
    } catch (err) {
      // Roles without access (403) see no audit section at all.
      auditHolder.replaceChildren(err instanceof ApiError && err.status === 403 ? '' : problemView(err));
    }
  }

  function draw(): void {
    root.replaceChildren(
      h('p', {}, h('a', { href: '#/queue' }, `← ${t('backToQueue')}`)),
      h('h1', {}, t('applicationTitle', { system: app.systemName, version: app.version })),
      flash,
      h('div', { class: 'columns' },
        h('div', { class: 'col-main' },
          summaryView(),
          actionsView(),
          countersignView(),
          assignmentView(),
          classesView(),
          section(t('evidence'), 'evidence', h('ul', { class: 'evidence-list' }, ...app.evidence.map(evidenceItem))),
        ),
        h('div', { class: 'col-side' },
          historyView(),
          version ? section(t('profile'), 'profile', profileView(version.profile)) : null,
        ),
      ),
      auditHolder,
    );
    void loadAudit();
  }
  draw();
  return root;
}
