// The argument vector for one headless Claude run. Spawned without a shell, so nothing here is
// quoted: each value is one argv element, whatever characters it holds.
import { PERMISSION_MODES } from '../core/model';
import type { ExecutionOptions } from '../core/model';

/**
 * Every flag `buildClaudeArgs` can emit. A test checks each against the pinned CLI (its `--help`,
 * or a real run for the flags in `CLAUDE_HIDDEN_FLAGS`).
 */
export const CLAUDE_FLAGS_USED: readonly string[] = [
  '-p',
  '--output-format',
  '--verbose',
  '--model',
  '--max-turns',
  '--max-budget-usd',
  '--permission-mode',
  '--allowedTools',
  '--disallowedTools',
  '--append-system-prompt',
  '--resume',
];

/** Flags the pinned CLI accepts in print mode but leaves out of `--help` (2.1.332 hides these). */
export const CLAUDE_HIDDEN_FLAGS: readonly string[] = ['--max-turns'];

// Linux refuses a single argv element over 128 KiB (E2BIG) with an error that names nothing.
const MAX_ARG_CHARS = 100_000;
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ClaudeArgsExtra {
  /** Continue this Claude session (`--resume`), e.g. after a usage limit. */
  resumeSessionId?: string | null;
  /** The prompt is always written to stdin, never put in argv (no size cap, no `ps` leak). */
  promptViaStdin: true;
}

/**
 * `claude` arguments for a job: print mode with stream-json output, plus only the options the job
 * sets. Throws an Error naming the field, the value and the fix for invalid options, and for
 * `bypassPermissions` unless the job opted in with `allowBypass` (`--allow-bypass` in the CLI).
 */
export function buildClaudeArgs(options: ExecutionOptions, extra: ClaudeArgsExtra): string[] {
  const args = ['-p', '--output-format', 'stream-json', '--verbose'];

  if (options.model !== null) {
    const model = options.model.trim();
    if (model.length === 0 || /\s/.test(model) || model.startsWith('-')) {
      throw new Error(
        `model: "${options.model}" is not a model name; use an alias such as "sonnet" or a full name such as "claude-sonnet-4-5", or leave it unset for the CLI's default`,
      );
    }
    args.push('--model', model);
  }

  if (options.maxTurns !== null) {
    if (!Number.isInteger(options.maxTurns) || options.maxTurns < 1) {
      throw new Error(
        `maxTurns: ${String(options.maxTurns)} is not a whole number >= 1; leave it unset for no limit`,
      );
    }
    args.push('--max-turns', String(options.maxTurns));
  }

  if (options.maxBudgetUsd !== null) {
    if (!Number.isFinite(options.maxBudgetUsd) || options.maxBudgetUsd <= 0) {
      throw new Error(
        `maxBudgetUsd: ${String(options.maxBudgetUsd)} is not an amount of US dollars above 0; leave it unset for no per-run limit`,
      );
    }
    args.push('--max-budget-usd', String(options.maxBudgetUsd));
  }

  if (options.permissionMode !== null) {
    const mode = options.permissionMode;
    if (!(PERMISSION_MODES as readonly string[]).includes(mode)) {
      throw new Error(`permissionMode: "${String(mode)}" is not one of ${PERMISSION_MODES.join(', ')}`);
    }
    if (mode === 'bypassPermissions' && !options.allowBypass) {
      throw new Error(
        'permissionMode: "bypassPermissions" lets Claude run any tool without asking; the job must opt in explicitly (allowBypass, `--allow-bypass` on the command line) or use another mode such as "acceptEdits"',
      );
    }
    args.push('--permission-mode', mode);
  }

  pushTools(args, '--allowedTools', 'allowedTools', options.allowedTools);
  pushTools(args, '--disallowedTools', 'disallowedTools', options.disallowedTools);

  if (options.appendSystemPrompt !== null && options.appendSystemPrompt.trim().length > 0) {
    if (options.appendSystemPrompt.length > MAX_ARG_CHARS) {
      throw new Error(
        `appendSystemPrompt: ${options.appendSystemPrompt.length} characters is more than the ${MAX_ARG_CHARS} a command-line argument can carry; move the text into the prompt`,
      );
    }
    args.push('--append-system-prompt', options.appendSystemPrompt);
  }

  const resume = extra.resumeSessionId;
  if (resume !== undefined && resume !== null) {
    if (!SESSION_ID.test(resume)) {
      throw new Error(
        `resumeSessionId: "${resume}" is not a Claude session id (a UUID from the run's system/init)`,
      );
    }
    args.push('--resume', resume);
  }
  return args;
}

// One comma-separated value, the form the CLI documents; rules may hold spaces and commas inside
// their parentheses (`Bash(git diff *)`), which the CLI splits correctly (checked against 2.1.332).
function pushTools(args: string[], flag: string, field: string, tools: readonly string[]): void {
  if (tools.length === 0) return;
  tools.forEach((tool, index) => {
    if (tool.trim().length === 0 || /[\r\n]/.test(tool) || tool.trim().startsWith('-')) {
      throw new Error(
        `${field}[${index}]: "${tool}" is not a tool rule; use a tool name or a rule such as "Read" or "Bash(git diff *)"`,
      );
    }
  });
  args.push(flag, tools.map((t) => t.trim()).join(','));
}
