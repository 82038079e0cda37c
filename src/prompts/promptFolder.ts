// Where prompt files live: Markdown files in `.nightpilot/prompts/` of each workspace folder (the
// `nightPilot.prompts.folder` setting), plus any file a job already uses.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { jobSlug } from '../core/jobSlug';

export const DEFAULT_PROMPT_FOLDER = '.nightpilot/prompts';

/** The prompt folder's path relative to a workspace folder, as set (forward slashes, no ends). */
export function promptFolderSetting(scope?: vscode.WorkspaceFolder): string {
  const raw = vscode.workspace
    .getConfiguration('nightPilot', scope)
    .get<string>('prompts.folder', DEFAULT_PROMPT_FOLDER);
  const clean = raw
    .trim()
    .replace(/\\/g, '/')
    .replace(/^\.\/+/, '')
    .replace(/^\/+|\/+$/g, '');
  // An absolute path or one leaving the workspace would scatter prompts: keep to the default then.
  return clean === '' || clean.split('/').includes('..') || path.isAbsolute(raw.trim())
    ? DEFAULT_PROMPT_FOLDER
    : clean;
}

/** The prompt folder of a workspace folder. */
export function promptFolderUri(folder: vscode.WorkspaceFolder): vscode.Uri {
  return vscode.Uri.joinPath(folder.uri, ...promptFolderSetting(folder).split('/'));
}

/** Whether `uri` is a Markdown file inside some workspace folder's prompt folder. */
export function isInPromptFolder(uri: vscode.Uri): boolean {
  if (uri.scheme !== 'file' || !uri.fsPath.toLowerCase().endsWith('.md')) return false;
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return false;
  const relative = path.relative(promptFolderUri(folder).fsPath, uri.fsPath);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Every prompt file of the workspace, sorted by path. */
export async function findPromptFiles(): Promise<vscode.Uri[]> {
  const found: vscode.Uri[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const pattern = new vscode.RelativePattern(folder, `${promptFolderSetting(folder)}/**/*.md`);
    found.push(...(await vscode.workspace.findFiles(pattern, undefined, 500)));
  }
  return found.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

/** The Markdown a new prompt file starts with: the front matter keys, commented where optional. */
export function promptTemplate(title: string): string {
  return [
    '---',
    `title: ${JSON.stringify(title)}`,
    '# model: sonnet',
    '# maxTurns: 20',
    '# allowedTools: ["Read", "Bash(git log:*)"]',
    '# disallowedTools: ["WebFetch"]',
    '# permissionMode: acceptEdits',
    '# appendSystemPrompt: Answer briefly.',
    '# env: { CI: "1" }',
    '---',
    '',
    vscode.l10n.t('Describe what Claude should do on each run.'),
    '',
  ].join('\n');
}

/**
 * Creates `<prompt folder>/<name>.md` in `folder` with the template (a number is added to a name
 * already taken) and returns it.
 */
export async function createPromptFile(folder: vscode.WorkspaceFolder, title: string): Promise<vscode.Uri> {
  const dir = promptFolderUri(folder);
  await vscode.workspace.fs.createDirectory(dir);
  // The slug rule of branch and workflow names; a title with no usable letter is "prompt".
  const slug = jobSlug(title, '-');
  const base = slug === 'job--' ? 'prompt' : slug;
  for (let n = 1; ; n++) {
    const uri = vscode.Uri.joinPath(dir, `${base}${n > 1 ? `-${n}` : ''}.md`);
    try {
      await vscode.workspace.fs.stat(uri);
    } catch {
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(promptTemplate(title)));
      return uri;
    }
  }
}
