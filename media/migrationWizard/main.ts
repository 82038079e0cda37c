// The migration wizard's page. It shows what the host sends and asks the host for everything
// else (see src/views/migration/wizardProtocol.ts); it never reads files. Its controls are VS Code's
// own (@vscode-elements/elements, see controls.ts); its text comes translated from the host.

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
import { button, el, formatBytes, formatTime, icon, radioGroup, table } from './controls';

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
  undone: boolean;
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
  undone: false,
  error: null,
};

function t(key: WizardStringKey, ...args: (string | number)[]): string {
  const text = state.strings?.ui[key] ?? key;
  return text.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}

function send(message: PageMessage): void {
  vscode.postMessage(message);
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
      el(
        'li',
        {
          className: i === current ? 'current' : i < current ? 'done' : '',
          attrs: i === current ? { 'aria-current': 'step' } : {},
        },
        i < current ? icon('check') : el('span', { className: 'number', text: String(i + 1) }),
        el('span', { text: t(key) }),
      ),
    ),
  );
}

function errorBox(): HTMLElement | null {
  if (!state.error || state.error.step !== state.step) return null;
  return el(
    'div',
    { className: 'error', attrs: { role: 'alert' } },
    icon('error'),
    el('div', {}, el('strong', { text: t('errorTitle') }), el('p', { text: state.error.message })),
  );
}

function actions(...children: HTMLElement[]): HTMLElement {
  return el('div', { className: 'actions' }, ...children);
}

function renderLocate(): HTMLElement {
  const section = el('section', { className: 'locate' }, el('p', { text: t('locateIntro') }));
  if (state.candidates === null) section.append(el('p', { className: 'muted', text: t('scanning') }));
  else if (state.candidates.length === 0)
    section.append(el('p', { className: 'muted', text: t('noneFound') }));
  else {
    section.append(el('p', { text: t('foundIntro') }));
    section.append(
      radioGroup(
        'candidate',
        state.candidates.map((c) => ({
          value: c.path,
          content: [
            el(
              'span',
              { className: 'candidate' },
              el('span', { className: 'path', text: c.path }),
              el('span', {
                className: 'muted',
                text: [
                  formatBytes(c.bytes),
                  formatTime(c.modified, state.language),
                  c.hasWal ? t('withWal') : null,
                ]
                  .filter(Boolean)
                  .join(' · '),
              }),
              c.migrated ? el('vscode-badge', { text: t('alreadyMigrated') }) : null,
            ),
          ],
        })),
        state.selected,
        (value) => {
          state.selected = value;
          render();
        },
        { className: 'candidates' },
      ),
    );
  }
  if (state.reading) section.append(el('p', { className: 'muted', text: t('reading', state.reading) }));
  section.append(
    actions(
      button(t('browse'), () => send({ type: 'pickFile' }), { id: 'browse', icon: 'folder-opened' }),
      button(t('previewButton'), () => state.selected && requestPreview(state.selected), {
        primary: true,
        id: 'preview',
        disabled: state.selected === null || state.reading !== null,
      }),
    ),
  );
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

function decisionControl(key: keyof MigrationDecisions): HTMLElement {
  const strings = state.strings!;
  return el(
    'div',
    { className: 'decision', attrs: { 'data-decision': key } },
    el('div', { className: 'decision-title', text: strings.decisionTitles[key] }),
    radioGroup(
      `decision-${key}`,
      DECISION_VALUES[key].map((value) => ({
        value,
        content: [strings.decisions[`${key}.${value}`] ?? value],
      })),
      state.decisions[key],
      (value) => {
        state.decisions = { ...state.decisions, [key]: value };
        if (state.file) requestPreview(state.file);
      },
    ),
  );
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
    box.append(
      el(
        'div',
        { className: 'warning-text' },
        icon(w.decision ? 'warning' : 'info'),
        el('p', { text: warningText(w.code, w.count) }),
      ),
    );
    if (w.items.length > 0) {
      const items = el('vscode-collapsible', { className: 'items' });
      items.heading = t('showItems');
      items.append(el('ul', {}, ...w.items.map((item) => el('li', { text: item }))));
      box.append(items);
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
          j.nextRunTime ? formatTime(j.nextRunTime, state.language, j.timezone) : '—',
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
  section.append(
    el('p', { className: 'muted', text: t('migrateNote') }),
    actions(
      button(
        t('back'),
        () => {
          state.step = 'locate';
          state.error = null;
          render();
        },
        { id: 'back', icon: 'arrow-left' },
      ),
      button(
        t('migrateButton'),
        () => {
          state.step = 'migrate';
          state.progress = null;
          state.error = null;
          render();
          send({ type: 'migrate', decisions: state.decisions });
        },
        { primary: true, id: 'migrate', disabled: state.reading !== null },
      ),
    ),
  );
  return section;
}

const PROGRESS: [MigrationStep, WizardStringKey][] = [
  ['backup', 'progressBackup'],
  ['import', 'progressImport'],
  ['verify', 'progressVerify'],
  ['report', 'progressReport'],
];

function renderMigrate(): HTMLElement {
  const current = state.progress ? PROGRESS.findIndex(([s]) => s === state.progress) : -1;
  const section = el('section', { className: 'migrate' });
  const bar = el('vscode-progress-bar', { attrs: { 'aria-label': t('stepMigrate') } });
  bar.max = PROGRESS.length;
  // The bar stands halfway through the step under way; before the first one it only says "working".
  if (current >= 0 && !state.error) bar.value = current + 0.5;
  else if (state.error) bar.value = current + 1;
  section.append(bar);
  section.append(
    el(
      'ol',
      { className: 'progress' },
      ...PROGRESS.map(([, key], i) =>
        el(
          'li',
          { className: i < current ? 'done' : i === current ? 'current' : '' },
          i < current ? icon('pass') : i === current ? icon('loading', t(key)) : icon('circle-large-outline'),
          el('span', { text: t(key) }),
        ),
      ),
    ),
  );
  const spinner = section.querySelector<HTMLElementTagNameMap['vscode-icon']>('li.current vscode-icon');
  if (spinner && !state.error) spinner.spin = true;
  const error = errorBox();
  if (error) {
    section.append(
      error,
      actions(
        button(
          t('back'),
          () => {
            state.step = 'preview';
            render();
          },
          { id: 'back', icon: 'arrow-left' },
        ),
      ),
    );
  }
  return section;
}

function renderReport(): HTMLElement {
  const r = state.report!;
  const section = el('section', { className: 'report' });
  section.append(
    el(
      'div',
      { className: r.ok ? 'verdict ok' : 'verdict bad', attrs: { role: 'status' } },
      icon(r.ok ? 'pass-filled' : 'error'),
      el('span', { text: r.ok ? t('verifyPassed') : t('verifyFailed') }),
    ),
  );
  if (state.undone)
    section.append(
      el(
        'div',
        { className: 'undone', attrs: { role: 'status' } },
        icon('discard'),
        el('span', { text: t('undoneNotice') }),
      ),
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
        el(
          'span',
          { className: c.ok ? 'check ok' : 'check bad' },
          icon(c.ok ? 'check' : 'error'),
          el('span', { text: c.ok ? t('tableCheckOk') : t('tableCheckBad') }),
        ),
      ]),
      'tables',
    ),
  );
  if (r.mismatches.length > 0)
    section.append(el('ul', { className: 'error' }, ...r.mismatches.map((m) => el('li', { text: m }))));
  const facts = el('dl', { className: 'facts' });
  facts.append(el('dt', { text: t('backupFolder') }), el('dd', { text: r.backupFolder }));
  section.append(facts);
  if (r.databaseBackup && !state.undone)
    section.append(
      el('p', { className: 'muted', text: t('undoHint', r.databaseBackup.split(/[\\/]/).pop() ?? '') }),
    );
  section.append(
    actions(
      button(t('openReport'), () => send({ type: 'openReport' }), { id: 'open-report', icon: 'go-to-file' }),
      button(t('revealJobs'), () => send({ type: 'revealJobs' }), {
        primary: true,
        id: 'reveal-jobs',
        icon: 'list-tree',
        disabled: r.jobCount === 0 || state.undone,
      }),
      button(t('undoButton'), () => send({ type: 'undo' }), {
        id: 'undo',
        icon: 'discard',
        disabled: r.databaseBackup === null || state.undone,
      }),
      button(t('close'), () => send({ type: 'close' }), { id: 'close' }),
    ),
  );
  return section;
}

function render(): void {
  vscode.setState({ step: state.step, selected: state.selected, decisions: state.decisions });
  if (!state.strings) return;
  document.title = t('title');
  app.removeAttribute('aria-busy');
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
      state.undone = false;
      state.step = 'report';
      break;
    case 'undone':
      state.undone = true;
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
