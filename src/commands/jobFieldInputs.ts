// The inputs Create Job and Edit Job share: the schedule with its live preview, the time zone,
// the working folder, the prompt, and the confirmation of what a prompt file grants.
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cronWarnings, describeCron, nextFireTimes, validateCron } from '../core/cron';
import type { PromptGrants } from '../core/model';
import { defaultTimeZone } from '../core/timeZone';
import { findPromptFiles } from '../prompts/promptFolder';
import { formatWhen } from '../views/format';
import type { Choice, StepCheck, StepResult } from './quickInput';
import { askText, pickOne } from './quickInput';

/** Where a multi-step input is: its title and position. */
export interface StepPlace {
  title: string;
  step?: number;
  totalSteps?: number;
}

/**
 * Validates the expression and, when valid, previews what it means and when it fires next; a
 * legal expression that is probably not meant (`*\/60` is just minute 0) is accepted with a
 * warning, which the description spells out.
 */
export function checkCron(value: string, timezone: string, now: Date): StepCheck {
  const expr = value.trim();
  const result = validateCron(expr);
  if (!result.ok) {
    // The message already names the field ("minute: 61 is out of range 0-59").
    return { ok: false, message: result.message };
  }
  const next = nextFireTimes(expr, now, 3, timezone).map((d) => formatWhen(d.toISOString(), now));
  const preview = next.length
    ? vscode.l10n.t('next: {0}', next.join(', '))
    : vscode.l10n.t('it never fires again');
  const warning = cronWarnings(expr).length > 0;
  // A warning ends the description with a full stop; the preview follows it after a semicolon.
  return { ok: true, warning, message: `${describeCron(expr, timezone).replace(/\.$/, '')}; ${preview}` };
}

/** The schedule, with the meaning and the next fires in `timezone` under the box as it is typed. */
export function askCron(place: StepPlace, value: string, timezone: string): Promise<StepResult> {
  return askText({
    ...place,
    step: place.step ?? 1,
    totalSteps: place.totalSteps ?? 1,
    prompt: vscode.l10n.t(
      'When should it run? A cron expression: minute hour day-of-month month day-of-week',
    ),
    placeholder: vscode.l10n.t('0 2 * * *  (every day at 02:00)'),
    value,
    validate: (v) => checkCron(v, timezone, new Date()),
  });
}

/** Every IANA zone this runtime knows, the machine's and UTC first. */
function zoneChoices(): Choice<string>[] {
  const machine = defaultTimeZone();
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  const zones = [machine, 'UTC', ...all.filter((z) => z !== machine && z !== 'UTC')];
  return zones.map((zone) => ({
    label: zone,
    description: zone === machine ? vscode.l10n.t('this machine') : undefined,
    value: zone,
  }));
}

/** The zone the schedule is read in (type to filter the list). */
export function pickTimeZone(place: StepPlace, current: string): ReturnType<typeof pickOne<string>> {
  return pickOne({
    ...place,
    placeholder: vscode.l10n.t('The time zone the schedule is read in (type to filter)'),
    items: zoneChoices(),
    active: current,
  });
}

/** A folder choice: a path, or null for the home folder. */
type FolderChoice = { kind: 'path'; path: string | null } | { kind: 'browse' };

/**
 * The folder Claude and the commands run in: a workspace folder (the first is the default), the
 * current one, another folder chosen in a dialog, or the home folder.
 */
export async function pickFolder(
  place: StepPlace,
  current: string | null,
): Promise<{ value: string | null } | 'back' | undefined> {
  const items: Choice<FolderChoice>[] = (vscode.workspace.workspaceFolders ?? []).map((folder) => ({
    label: `$(root-folder) ${folder.name}`,
    description: folder.uri.fsPath,
    value: { kind: 'path', path: folder.uri.fsPath },
  }));
  if (current !== null && !items.some((i) => i.value.kind === 'path' && i.value.path === current)) {
    items.unshift({
      label: `$(folder) ${path.basename(current)}`,
      description: current,
      value: { kind: 'path', path: current },
    });
  }
  items.push(
    { label: `$(folder-opened) ${vscode.l10n.t('Choose Another Folder...')}`, value: { kind: 'browse' } },
    {
      label: `$(home) ${vscode.l10n.t('Home Folder')}`,
      description: os.homedir(),
      value: { kind: 'path', path: null },
    },
  );
  for (;;) {
    const active =
      items.find((i) => i.value.kind === 'path' && i.value.path === current)?.value ?? items[0]?.value;
    const chosen = await pickOne({
      ...place,
      placeholder: vscode.l10n.t("The folder Claude and the job's commands run in"),
      items,
      active,
    });
    if (chosen === undefined || chosen === 'back') return chosen;
    if (chosen.value.kind === 'path') return { value: chosen.value.path };
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      openLabel: vscode.l10n.t('Run the Job Here'),
    });
    if (picked?.[0]) return { value: picked[0].fsPath };
  }
}

/** The folder a new job runs in unless the user picks another: the (first) workspace folder. */
export function defaultFolder(): string | null {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? null;
}

export type PromptSource = { kind: 'file'; file: string } | { kind: 'newFile' } | { kind: 'text' };

/** Where the prompt comes from: a prompt file of the workspace, a new one, or text typed here. */
export async function pickPromptSource(
  place: StepPlace,
): Promise<{ value: PromptSource } | 'back' | undefined> {
  const files = await findPromptFiles();
  const items: Choice<PromptSource>[] = files.map((uri) => ({
    label: `$(markdown) ${path.basename(uri.fsPath)}`,
    description: vscode.workspace.asRelativePath(uri),
    value: { kind: 'file', file: uri.fsPath },
  }));
  items.push(
    {
      label: `$(new-file) ${vscode.l10n.t('New Prompt File...')}`,
      detail: vscode.l10n.t('A Markdown file in the workspace: edit it any time, the next run uses it'),
      value: { kind: 'newFile' },
    },
    {
      label: `$(edit) ${vscode.l10n.t('Type the Prompt Here')}`,
      detail: vscode.l10n.t('One line, stored in Night Pilot (open it later to write more)'),
      value: { kind: 'text' },
    },
  );
  return pickOne({ ...place, placeholder: vscode.l10n.t('What should Claude do? Choose a prompt'), items });
}

/** The grants in words: "permission mode acceptEdits; tools Read, Bash(git log:*); environment CI". */
export function describeGrants(grants: PromptGrants): string {
  const parts: string[] = [];
  if (grants.permissionMode) parts.push(vscode.l10n.t('permission mode {0}', grants.permissionMode));
  if (grants.allowedTools.length > 0) parts.push(vscode.l10n.t('tools {0}', grants.allowedTools.join(', ')));
  const env = Object.entries(grants.env).map(([k, v]) => `${k}=${v}`);
  if (env.length > 0) parts.push(vscode.l10n.t('environment {0}', env.join(', ')));
  return parts.join('; ');
}

/** Asks whether the job may use what its prompt file grants; true when the user allowed it. */
export async function confirmGrants(jobName: string, file: string, grants: PromptGrants): Promise<boolean> {
  const allow = vscode.l10n.t('Allow for This Job');
  const answer = await vscode.window.showWarningMessage(
    vscode.l10n.t(
      'The prompt {0} lets "{1}" use more than Claude Code allows by default.',
      path.basename(file),
      jobName,
    ),
    {
      modal: true,
      detail: vscode.l10n.t(
        'It grants: {0}. Allow it for this job? If the file later grants more, the job waits for your review before it runs.',
        describeGrants(grants),
      ),
    },
    allow,
  );
  return answer === allow;
}
