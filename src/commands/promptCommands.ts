// Commands about a job's prompt: open it, review what its file grants, and start a new prompt file.
import * as vscode from 'vscode';
import type { Job } from '../core/model';
import { promptDocumentUri } from '../prompts/promptDocuments';
import { createPromptFile } from '../prompts/promptFolder';
import { acceptPromptGrants, reviewPrompt } from '../scheduler/promptGate';
import type { GrantChange } from '../core/promptGrants';
import type { CommandContext } from './commandContext';
import { requireDatabase } from './commandContext';
import { resolveJobId } from './pickers';
import { errorMessage } from '../core/errorMessage';

/** `nightPilot.openPrompt`: the prompt file, or the stored prompt in an editor tab that saves back. */
export async function openPrompt(ctx: CommandContext, arg: unknown): Promise<vscode.Uri | undefined> {
  const db = requireDatabase(ctx);
  const id = await resolveJobId(db, arg, vscode.l10n.t('Open the prompt of which job?'));
  if (!id) return undefined;
  const prompt = db.read((tx) => tx.prompts.require(tx.jobs.require(id).promptId));
  const uri = prompt.filePath ? vscode.Uri.file(prompt.filePath) : promptDocumentUri(prompt);
  try {
    await vscode.window.showTextDocument(uri, { preview: false });
  } catch (err) {
    throw new Error(
      prompt.filePath
        ? vscode.l10n.t(
            'The prompt file {0} cannot be opened: {1}. Choose another prompt with Edit Job.',
            prompt.filePath,
            errorMessage(err),
          )
        : errorMessage(err),
    );
  }
  return uri;
}

/** One change as the review lists it. */
function changeLine(change: GrantChange): string {
  switch (change.key) {
    case 'permissionMode':
      return vscode.l10n.t(
        'permission mode: {0} → {1}',
        change.confirmed ?? vscode.l10n.t('(default)'),
        change.file,
      );
    case 'allowedTools':
      return vscode.l10n.t('allowed tool: + {0}', change.rule);
    case 'env':
      return change.confirmed === null
        ? vscode.l10n.t('environment: + {0}={1}', change.name, change.file)
        : vscode.l10n.t('environment: {0}: {1} → {2}', change.name, change.confirmed, change.file);
  }
}

/**
 * `nightPilot.reviewPromptPermissions`: shows what the job's prompt file grants beyond what was
 * confirmed, and accepts it with one click (or at once with `{ accept: true }`). Resolves with the
 * job when accepted.
 */
export async function reviewPromptPermissions(
  ctx: CommandContext,
  arg: unknown,
  options?: { accept?: boolean },
): Promise<Job | undefined> {
  const db = requireDatabase(ctx);
  const id = await resolveJobId(db, arg, vscode.l10n.t('Review the prompt permissions of which job?'));
  if (!id) return undefined;
  const review = db.read((tx) => reviewPrompt(tx, id));
  if (review.bypass) {
    throw new Error(
      vscode.l10n.t(
        'The prompt of "{0}" asks for bypassPermissions, which Night Pilot never takes from a file. Remove it from the file, or set it on the job (Edit Job).',
        review.job.name,
      ),
    );
  }
  if (review.changes.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('The prompt of "{0}" grants nothing you have not confirmed.', review.job.name),
    );
    return review.job;
  }
  if (options?.accept !== true) {
    const accept = vscode.l10n.t('Accept');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('The prompt of "{0}" changed what the job may do.', review.job.name),
      {
        modal: true,
        detail: `${review.changes.map(changeLine).join('\n')}\n\n${vscode.l10n.t('Accept these permissions for this job? Its runs wait until you do.')}`,
      },
      accept,
    );
    if (answer !== accept) return undefined;
  }
  const { job, released } = await db.write((tx) => acceptPromptGrants(tx, id, review.grants));
  ctx.log.info(
    `Accepted the prompt permissions of "${job.name}" (${job.id}); ${released} held run(s) released.`,
  );
  ctx.refresh();
  return job;
}

/** `nightPilot.newPrompt`: a prompt file from the template in the workspace's prompt folder, opened. */
export async function newPrompt(_ctx: CommandContext, title?: unknown): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0)
    throw new Error(vscode.l10n.t('Open a folder first: prompt files live in the workspace.'));
  const folder =
    folders.length === 1
      ? folders[0]
      : await vscode.window.showWorkspaceFolderPick({
          placeHolder: vscode.l10n.t('Which folder is the prompt for?'),
        });
  if (!folder) return undefined;
  const name =
    typeof title === 'string'
      ? title
      : await vscode.window.showInputBox({
          title: vscode.l10n.t('Night Pilot: New Prompt File'),
          prompt: vscode.l10n.t('Title of the prompt (its file name follows it)'),
          placeHolder: vscode.l10n.t('Nightly review'),
          validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('Give the prompt a title.') : undefined),
        });
  if (name === undefined) return undefined;
  const uri = await createPromptFile(folder, name.trim());
  await vscode.window.showTextDocument(uri, { preview: false });
  return uri;
}
