// Claude Code permission rules written as one comma-separated list (`Read,Bash(git log:*)`), the
// form the `--allowedTools` flag takes: commas inside a rule's parentheses do not split it.

/** The rules of `raw`, trimmed, or the reason it is not a valid list. */
export function splitToolRules(raw: string): { rules: string[] } | { problem: string } {
  const rules: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of raw) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) return { problem: `unbalanced parentheses in "${raw}"` };
    if (ch === ',' && depth === 0) {
      rules.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (depth !== 0) return { problem: `unbalanced parentheses in "${raw}"` };
  rules.push(current.trim());
  const empty = rules.findIndex((rule) => rule === '');
  if (empty !== -1) return { problem: `rule ${empty + 1} of "${raw}" is empty` };
  return { rules };
}
