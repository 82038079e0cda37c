// The migration wizard's page. It shows what the host sends and asks the host for everything
// else (see src/views/migration/wizardProtocol.ts); it never reads files. Text from the legacy
// database is only ever set as textContent.

import type { MigrationStep } from '../../src/storage/legacy/legacyMigration';
import type { MigrationDecisions, MigrationPreview, WarningCode } from '../../src/storage/legacy/legacyTypes';
import type {
  CandidateView,
  HostMessage,
  PageMessage,
  ReportView,
  WizardStep,
  WizardStringKey,
  WizardStrings,
} from '../../src/views/migration/wizardProtocol';

interface VsCodeApi {
  postMessage(message: PageMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

const DECISION_VALUES: { [K in keyof MigrationDecisions]: MigrationDecisions[K][] } = {
  utcCron: ['keepUtc', 'localTime'],
  bothDays: ['pause', 'either', 'dayOfMonth', 'dayOfWeek'],
  fiveField: ['pause', 'activate'],
  orphans: ['import', 'skip'],
};

interface State {
  step: WizardStep;
  strings: WizardStrings | null;
  language: string;
  candidates: CandidateView[] | null;
  selected: string | null;
  reading: string | null;
  file: string | null;
  preview: MigrationPreview | null;
  decisions: MigrationDecisions;
  progress: MigrationStep | null;
  report: ReportView | null;
  error: { step: WizardStep; message: string } | null;
}

const state: State = {
  step: 'locate',
  strings: null,
  language: 'en',
  candidates: null,
  selected: null,
  reading: null,
  file: null,
  preview: null,
  decisions: { utcCron: 'keepUtc', bothDays: 'pause', fiveField: 'pause', orphans: 'import' },
  progress: null,
  report: null,
  error: null,
};

function t(key: WizardStringKey, ...args: (string | number)[]): string {
  const text = state.strings?.ui[key] ?? key;
  return text.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; attrs?: Record<string, string> } = {},
  ...children: (Node | null)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  for (const child of children) if (child) node.append(child);
  return node;
}

function button(label: string, onClick: () => void, primary = false, id?: string): HTMLButtonElement {
  const b = el('button', {
    className: primary ? 'primary' : 'secondary',
    text: label,
    attrs: id ? { id } : {},
  });
  b.addEventListener('click', onClick);
  return b;
}

function send(message: PageMessage): void {
  vscode.postMessage(message);
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function formatTime(iso: string, zone?: string): string {
  try {
    return new Intl.DateTimeFormat(state.language, {
      dateStyle: 'medium',
      timeStyle: 'medium',
      ...(zone ? { timeZone: zone } : {}),
    }).format(new Date(iso));
  } catch {
    return iso;
  }
}

function steps(): HTMLElement {
  const order: [WizardStep, WizardStringKey][] = [
    ['locate', 'stepLocate'],
    ['preview', 'stepPreview'],
    ['migrate', 'stepMigrate'],
    ['report', 'stepReport'],
  ];
  const current = order.findIndex(([s]) => s === state.step);
  return el(
    'ol',
    { className: 'steps', attrs: { 'aria-label': t('title') } },
    ...order.map(([, key], i) =>
      el('li', {
        className: i === current ? 'current' : i < current ? 'done' : '',
        text: `${i + 1}. ${t(key)}`,
        attrs: i === current ? { 'aria-current': 'step' } : {},
      }),
    ),
  );
}

function errorBox(): HTMLElement | null {
  if (!state.error || state.error.step !== state.step) return null;
  return el(
    'div',
    { className: 'error', attrs: { role: 'alert' } },
    el('strong', { text: t('errorTitle') }),
    el('p', { text: state.error.message }),
  );
}

function renderLocate(): HTMLElement {
  const section = el('section', { className: 'locate' }, el('p', { text: t('locateIntro') }));
  if (state.candidates === null) section.append(el('p', { className: 'muted', text: t('scanning') }));
  else if (state.candidates.length === 0)
    section.append(el('p', { className: 'muted', text: t('noneFound') }));
  else {
    section.append(el('p', { text: t('foundIntro') }));
    const list = el('div', { className: 'candidates', attrs: { role: 'radiogroup' } });
    for (const c of state.candidates) {
      const id = `candidate-${list.childElementCount}`;
      const input = el('input', { attrs: { type: 'radio', name: 'candidate', id, value: c.path } });
      input.checked = state.selected === c.path;
      input.addEventListener('change', () => {
        state.selected = c.path;
        render();
      });
      const details = [formatBytes(c.bytes), formatTime(c.modified), c.hasWal ? t('withWal') : null]
        .filter(Boolean)
        .join(' · ');
      list.append(
        el(
          'label',
          { className: 'candidate', attrs: { for: id } },
          input,
          el('span', { className: 'path', text: c.path }),
          el('span', { className: 'muted', text: details }),
          c.migrated ? el('span', { className: 'badge', text: t('alreadyMigrated') }) : null,
        ),
      );
    }
    section.append(list);
  }
  if (state.reading) section.append(el('p', { className: 'muted', text: t('reading', state.reading) }));
  const actions = el('div', { className: 'actions' });
  actions.append(button(t('browse'), () => send({ type: 'pickFile' }), false, 'browse'));
  const preview = button(
    t('previewButton'),
    () => state.selected && requestPreview(state.selected),
    true,
    'preview',
  );
  preview.disabled = state.selected === null || state.reading !== null;
  actions.append(preview);
  section.append(actions);
  return section;
}

function requestPreview(file: string): void {
  state.error = null;
  send({ type: 'preview', file, decisions: state.decisions });
}

function statusText(status: string): string {
  const key = `status${status.charAt(0).toUpperCase()}${status.slice(1)}` as WizardStringKey;
  return state.strings?.ui[key] ?? status;
}

function table(headers: string[], rows: (string | Node)[][], className = ''): HTMLTableElement {
  const tableEl = el('table', { className });
  tableEl.append(
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { text: h, attrs: { scope: 'col' } })))),
  );
  const body = el('tbody');
  for (const row of rows) {
    body.append(
      el(
        'tr',
        {},
        ...row.map((cell) => (typeof cell === 'string' ? el('td', { text: cell }) : el('td', {}, cell))),
      ),
    );
  }
  tableEl.append(body);
  return tableEl;
}

function decisionControl(key: keyof MigrationDecisions): HTMLElement {
  const strings = state.strings!;
  const group = el(
    'fieldset',
    { className: 'decision', attrs: { 'data-decision': key } },
    el('legend', { text: strings.decisionTitles[key] }),
  );
  for (const value of DECISION_VALUES[key]) {
    const id = `decision-${key}-${value}`;
    const input = el('input', { attrs: { type: 'radio', name: `decision-${key}`, id, value } });
    input.checked = state.decisions[key] === value;
    input.addEventListener('change', () => {
      state.decisions = { ...state.decisions, [key]: value };
      if (state.file) requestPreview(state.file);
    });
    group.append(
      el(
        'label',
        { className: 'choice', attrs: { for: id } },
        input,
        el('span', { text: strings.decisions[`${key}.${value}`] ?? value }),
      ),
    );
  }
  return group;
}

function warningText(code: WarningCode, count: number): string {
  return (state.strings?.warnings[code] ?? code).replace('{0}', String(count));
}

function renderPreview(): HTMLElement {
  const p = state.preview!;
  const c = p.counts;
  const section = el('section', { className: 'preview' });
  const facts = el('dl', { className: 'facts' });
  const fact = (term: string, value: string) =>
    facts.append(el('dt', { text: term }), el('dd', { text: value }));
  fact(t('source'), p.source.path);
  fact(t('generations'), p.source.generations.join(', '));
  if (p.source.wal) {
    fact('-wal', t('walApplied', p.source.wal.commits));
    if (p.source.wal.uncommittedFrames > 0 || p.source.wal.ignoredBytes > 0)
      fact('', t('walIgnored', p.source.wal.uncommittedFrames, p.source.wal.ignoredBytes));
  }
  section.append(facts);
  section.append(
    el(
      'ul',
      { className: 'summary' },
      el('li', { text: t('willImport', c.prompts, c.jobs, c.runs, c.usageTotals) }),
      c.alreadyImported > 0 ? el('li', { text: t('alreadyImported', c.alreadyImported) }) : null,
      c.skipped > 0 ? el('li', { text: t('skipped', c.skipped) }) : null,
    ),
  );

  section.append(el('h2', { text: t('warnings') }));
  if (p.warnings.length === 0) section.append(el('p', { className: 'muted', text: t('noWarnings') }));
  const decided = new Set<keyof MigrationDecisions>();
  for (const w of p.warnings) {
    const box = el('div', {
      className: `warning ${w.decision ? 'needs-decision' : ''}`,
      attrs: { 'data-code': w.code },
    });
    box.append(el('p', { text: warningText(w.code, w.count) }));
    if (w.items.length > 0) {
      box.append(
        el(
          'details',
          {},
          el('summary', { text: t('showItems') }),
          el('ul', {}, ...w.items.map((item) => el('li', { text: item }))),
        ),
      );
    }
    if (w.decision && !decided.has(w.decision)) {
      decided.add(w.decision);
      box.append(decisionControl(w.decision));
    }
    section.append(box);
  }

  if (p.jobs.length > 0) {
    section.append(el('h2', { text: t('jobs') }));
    section.append(
      table(
        [t('colName'), t('colSchedule'), t('colZone'), t('colStatus'), t('colNextFire'), t('colWas')],
        p.jobs.map((j) => [
          j.name,
          el('code', { text: j.cronExpression || t('noSchedule') }),
          j.timezone,
          j.action === 'import'
            ? statusText(j.status)
            : j.action === 'already'
              ? t('statusAlready')
              : t('statusSkipped'),
          j.nextRunTime ? formatTime(j.nextRunTime, j.timezone) : '—',
          el('code', { text: j.originalSchedule || '—' }),
        ]),
        'jobs',
      ),
    );
  }
  section.append(el('h2', { text: t('tables') }));
  section.append(
    table(
      [
        t('colTable'),
        t('colGeneration'),
        t('colRows'),
        t('colImport'),
        t('colAlready'),
        t('colSkip'),
        t('colNote'),
      ],
      p.tables.map((tb) => [
        tb.table,
        tb.generation ?? '—',
        tb.rows === null ? '?' : String(tb.rows),
        String(tb.toImport),
        String(tb.alreadyImported),
        String(tb.skipped),
        tb.note ?? '',
      ]),
      'tables',
    ),
  );
  const actions = el('div', { className: 'actions' });
  actions.append(
    button(t('back'), () => {
      state.step = 'locate';
      state.error = null;
      render();
    }),
  );
  const go = button(
    t('migrateButton'),
    () => {
      state.step = 'migrate';
      state.progress = null;
      state.error = null;
      render();
      send({ type: 'migrate', decisions: state.decisions });
    },
    true,
    'migrate',
  );
  go.disabled = state.reading !== null;
  actions.append(go);
  section.append(el('p', { className: 'muted', text: t('migrateNote') }), actions);
  return section;
}

function renderMigrate(): HTMLElement {
  const order: [MigrationStep, WizardStringKey][] = [
    ['backup', 'progressBackup'],
    ['import', 'progressImport'],
    ['verify', 'progressVerify'],
    ['report', 'progressReport'],
  ];
  const current = state.progress ? order.findIndex(([s]) => s === state.progress) : -1;
  const section = el('section', { className: 'migrate' });
  section.append(
    el(
      'div',
      {
        className: 'progress-bar',
        attrs: {
          role: 'progressbar',
          'aria-valuemin': '0',
          'aria-valuemax': '4',
          'aria-valuenow': String(current + 1),
        },
      },
      el('div', { className: 'progress-fill' }),
    ),
  );
  const fill = section.querySelector<HTMLElement>('.progress-fill')!;
  fill.style.width = `${((current + 1) / order.length) * 100}%`;
  section.append(
    el(
      'ol',
      { className: 'progress' },
      ...order.map(([, key], i) =>
        el('li', { className: i < current ? 'done' : i === current ? 'current' : '', text: t(key) }),
      ),
    ),
  );
  const error = errorBox();
  if (error) {
    section.append(
      error,
      el(
        'div',
        { className: 'actions' },
        button(t('back'), () => {
          state.step = 'preview';
          render();
        }),
      ),
    );
  }
  return section;
}

function renderReport(): HTMLElement {
  const r = state.report!;
  const section = el('section', { className: 'report' });
  section.append(
    el('p', {
      className: r.ok ? 'verdict ok' : 'verdict bad',
      text: r.ok ? t('verifyPassed') : t('verifyFailed'),
      attrs: { role: 'status' },
    }),
  );
  section.append(
    el('p', {
      text: t(
        'importedSummary',
        r.imported.prompts,
        r.imported.jobs,
        r.imported.runs,
        r.imported.usageRecords,
      ),
    }),
  );
  section.append(
    el('p', {
      text: t(
        'activeSummary',
        r.activeJobs.legacyActive,
        r.activeJobs.migratedActive,
        r.activeJobs.pausedWithReason,
      ),
    }),
  );
  section.append(
    table(
      [t('colTable'), t('colRows'), t('colImport'), t('colSkip'), ''],
      r.tables.map((c) => [
        c.table,
        c.rows === null ? '?' : String(c.rows),
        String(c.imported),
        String(c.skipped),
        c.ok ? t('tableCheckOk') : t('tableCheckBad'),
      ]),
      'tables',
    ),
  );
  if (r.mismatches.length > 0)
    section.append(el('ul', { className: 'error' }, ...r.mismatches.map((m) => el('li', { text: m }))));
  const facts = el('dl', { className: 'facts' });
  facts.append(el('dt', { text: t('backupFolder') }), el('dd', { text: r.backupFolder }));
  section.append(facts);
  if (r.databaseBackup)
    section.append(
      el('p', { className: 'muted', text: t('undoHint', r.databaseBackup.split(/[\\/]/).pop() ?? '') }),
    );
  const actions = el('div', { className: 'actions' });
  actions.append(button(t('openReport'), () => send({ type: 'openReport' }), false, 'open-report'));
  const reveal = button(t('revealJobs'), () => send({ type: 'revealJobs' }), true, 'reveal-jobs');
  reveal.disabled = r.jobCount === 0;
  actions.append(
    reveal,
    button(t('close'), () => send({ type: 'close' }), false, 'close'),
  );
  section.append(actions);
  return section;
}

function render(): void {
  vscode.setState({ step: state.step, selected: state.selected, decisions: state.decisions });
  if (!state.strings) return;
  document.title = t('title');
  const content =
    state.step === 'locate'
      ? renderLocate()
      : state.step === 'preview' && state.preview
        ? renderPreview()
        : state.step === 'migrate'
          ? renderMigrate()
          : state.step === 'report' && state.report
            ? renderReport()
            : renderLocate();
  app.replaceChildren(
    el('h1', { text: t('title') }),
    steps(),
    state.step === 'migrate' ? el('span') : (errorBox() ?? el('span')),
    content,
  );
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const m = event.data;
  switch (m.type) {
    case 'init':
      state.strings = m.strings;
      state.language = m.language;
      if (m.candidates) state.candidates = m.candidates;
      break;
    case 'candidates':
      state.candidates = m.candidates;
      if (state.selected === null)
        state.selected = m.candidates.find((c) => !c.migrated)?.path ?? m.candidates[0]?.path ?? null;
      break;
    case 'previewing':
      state.reading = m.file;
      break;
    case 'preview':
      state.reading = null;
      state.file = m.file;
      state.selected = m.file;
      state.preview = m.preview;
      state.decisions = m.preview.decisions;
      state.error = null;
      if (state.step === 'locate' || state.step === 'preview') state.step = 'preview';
      break;
    case 'progress':
      state.step = 'migrate';
      state.progress = m.step;
      break;
    case 'report':
      state.report = m.report;
      state.step = 'report';
      break;
    case 'error':
      state.reading = null;
      state.error = {
        step: m.step === 'preview' ? (state.step === 'preview' ? 'preview' : 'locate') : m.step,
        message: m.message,
      };
      if (m.step === 'preview' && state.step !== 'preview') state.step = 'locate';
      break;
  }
  render();
});

const saved = vscode.getState() as Partial<State> | undefined;
if (saved?.decisions) state.decisions = saved.decisions;
if (saved?.selected) state.selected = saved.selected;
send({ type: 'ready' });
