// "Export Job to GitHub Actions...": writes the job as a workflow in its repository (the same file
// `night-pilot job export` writes), opens it, and says what the user still has to do.
import * as vscode from 'vscode';
import { exportJobToFile, nextSteps } from '../githubActions/repositoryExport';
import type { CommandContext } from './commandContext';
import { requireDatabase } from './commandContext';
import { resolveJobId } from './pickers';

/** Exports a job (a tree item, an id, or one the user picks); resolves with the file written. */
export async function exportJobToGitHubActions(
  ctx: CommandContext,
  arg: unknown,
): Promise<string | undefined> {
  const db = requireDatabase(ctx);
  const id = await resolveJobId(db, arg, vscode.l10n.t('Export which job to GitHub Actions?'));
  if (!id) return undefined;
  const { job, prompt } = db.read((tx) => {
    const found = tx.jobs.require(id);
    return { job: found, prompt: tx.prompts.get(found.promptId) };
  });
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
  const result = exportJobToFile(job, prompt, { cwd: folder, now: new Date() });
  if (!result.ok) {
    // The command wrapper shows it and rejects: a caller can tell a refusal from a cancel.
    throw new Error(
      vscode.l10n.t(
        'Night Pilot cannot export "{0}" to GitHub Actions: {1}.',
        job.name,
        result.reasons.join('; '),
      ),
    );
  }
  const { written } = result;
  ctx.log.info(
    `Exported "${job.name}" to ${written.file}. Left to do:\n${nextSteps(written)
      .map((step, i) => `  ${i + 1}. ${step}`)
      .join(
        '\n',
      )}${written.notes.length > 0 ? `\nNotes:\n${written.notes.map((n) => `  - ${n}`).join('\n')}` : ''}`,
  );
  await vscode.window.showTextDocument(vscode.Uri.file(written.file), { preview: false });
  const secrets = ['ANTHROPIC_API_KEY', ...written.secrets].join(', ');
  const showSteps = vscode.l10n.t('Show All Steps');
  void vscode.window
    .showInformationMessage(
      vscode.l10n.t(
        'Exported "{0}" to GitHub Actions. Left to do: add the repository secret(s) {1} (or CLAUDE_CODE_OAUTH_TOKEN instead of ANTHROPIC_API_KEY), allow GitHub Actions to create pull requests, then commit and push the workflow and {2}.',
        job.name,
        secrets,
        written.promptPath,
      ),
      showSteps,
    )
    .then((choice) => {
      if (choice === showSteps) ctx.channel.show(true);
    });
  return written.file;
}
