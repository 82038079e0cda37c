// The shell and Node snippets the exported workflow runs on GitHub's runner, besides the guard.
// Every value that comes from the job reaches them through an environment variable or a
// single-quoted shell word, never by pasting it into a script.

/** A shell word that bash reads back as exactly `value`. */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Prints the prompt file (argv[1]) without its YAML front matter, with the same rule as
 * src/core/frontMatter.ts (a unit test runs both on the same files).
 */
export const STRIP_FRONT_MATTER_JS = [
  'const fs = require("fs");',
  'let text = fs.readFileSync(process.argv[1], "utf8");',
  'if (text.startsWith("\\uFEFF")) text = text.slice(1);',
  'const lines = text.split(/\\r?\\n/);',
  'let body = text;',
  'if (/^---[ \\t]*$/.test(lines[0])) {',
  '  const end = lines.findIndex((line, i) => i > 0 && /^(?:---|\\.\\.\\.)[ \\t]*$/.test(line));',
  '  if (end > 0) {',
  '    let rest = lines.slice(end + 1);',
  '    if (rest.length > 1 && rest[0].trim() === "") rest = rest.slice(1);',
  '    body = rest.join(text.includes("\\r\\n") ? "\\r\\n" : "\\n");',
  '  }',
  '}',
  'if (body.trim() === "") { console.error(process.argv[1] + " has no prompt text"); process.exit(1); }',
  'process.stdout.write(body);',
].join('\n');

/** The Claude step: checks the credentials, prepares the prompt, runs Claude headless. */
export function claudeScript(claudeArgs: readonly string[]): string {
  // GitHub runs bash with -e: the exit code of Claude is read, not left to end the script.
  return `set +e -uo pipefail
out="$RUNNER_TEMP/night-pilot"
mkdir -p "$out"
# Repository secrets that are not set arrive empty: leave them out so Claude Code uses the other.
[ -n "\${ANTHROPIC_API_KEY:-}" ] || unset ANTHROPIC_API_KEY
[ -n "\${CLAUDE_CODE_OAUTH_TOKEN:-}" ] || unset CLAUDE_CODE_OAUTH_TOKEN
if [ -z "\${ANTHROPIC_API_KEY:-}\${CLAUDE_CODE_OAUTH_TOKEN:-}" ]; then
  echo "::error::Add the repository secret ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN (Settings > Secrets and variables > Actions)."
  exit 1
fi
# The prompt file without its front matter, which configures the job and is not said to Claude.
node -e '${STRIP_FRONT_MATTER_JS}' "$GITHUB_WORKSPACE/$NIGHT_PILOT_PROMPT" > "$out/prompt.md" || exit 1
claude ${claudeArgs.map(shellQuote).join(' ')} < "$out/prompt.md" > "$out/execution.jsonl"
status=$?
# The stream (one JSON event a line) is kept as an artifact; its result goes to the log and the summary.
jq -r 'select(.type == "result") | .result // empty' "$out/execution.jsonl" > "$out/result.md" 2>/dev/null || true
cat "$out/result.md"
{ echo "### Claude"; echo; cat "$out/result.md"; } >> "$GITHUB_STEP_SUMMARY"
if [ "$status" -ne 0 ]; then echo "::error::Claude Code exited with code $status; its output is in the night-pilot artifact."; fi
exit "$status"
`;
}

/** Commits whatever the run changed to the run's branch and opens a pull request; no change, no branch. */
export const PULL_REQUEST_SCRIPT = `set -euo pipefail
if [ -z "$(git status --porcelain)" ] && [ "$(git rev-parse HEAD)" = "$GITHUB_SHA" ]; then
  echo "Claude changed nothing: no branch, no pull request." | tee -a "$GITHUB_STEP_SUMMARY"
  exit 0
fi
branch="$NIGHT_PILOT_BRANCH"
if git ls-remote --exit-code --heads origin "$branch" > /dev/null; then branch="$branch-$GITHUB_RUN_ID"; fi
title="Night Pilot: $NIGHT_PILOT_JOB ($NIGHT_PILOT_LOCAL)"
git config user.name 'github-actions[bot]'
git config user.email '41898282+github-actions[bot]@users.noreply.github.com'
git switch --create "$branch"
git add --all
git diff --cached --quiet || git commit --quiet --message "$title"
git push --quiet origin "HEAD:refs/heads/$branch"
if [ "$NIGHT_PILOT_RUN_OK" != 'true' ]; then
  echo "::warning::The run failed, so no pull request was opened; its changes are on the branch $branch."
  exit 0
fi
body="$RUNNER_TEMP/night-pilot/pull-request.md"
{
  echo "Night Pilot ran **$NIGHT_PILOT_JOB** for $NIGHT_PILOT_LOCAL."
  echo
  cat "$RUNNER_TEMP/night-pilot/result.md" 2> /dev/null || true
  echo
  echo "[Workflow run]($GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID)"
} > "$body"
gh pr create --base "$NIGHT_PILOT_BASE" --head "$branch" --title "$title" --body-file "$body"
`;
