// What must never be written into a committed workflow file: values that look like credentials.
// A job's environment variables are inlined only when plainly harmless (`CI=1`); anything that
// might be a secret is referenced as `${{ secrets.NAME }}` for the user to add in GitHub.

const SECRET_NAME = /KEY|TOKEN|SECRET|PASS|PWD|CREDENTIAL|AUTH|PRIVATE|COOKIE|SESSION|SIGNATURE|CERT|DSN/i;
const SECRET_PREFIXES =
  /\b(?:sk-|sk_|pk_|rk_|ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|glpat-|xox[abprs]-|AKIA|ASIA|AIza|ya29\.|npm_|pypi-|hf_|SG\.|eyJ)[A-Za-z0-9_\-.]{6,}/;
const URL_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
// A long run of letters and digits that mixes both reads as a random token.
const TOKEN_RUN = /[A-Za-z0-9+/_=-]{24,}/g;

/** The repository secrets Claude Code can authenticate with; the workflow references both. */
export const AUTH_SECRETS = ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'] as const;

/** Why `value` looks like a credential, or null when it does not. */
export function secretLikeness(value: string): string | null {
  if (PRIVATE_KEY.test(value)) return 'a private key';
  if (URL_CREDENTIALS.test(value)) return 'a URL with a password';
  const prefixed = SECRET_PREFIXES.exec(value);
  if (prefixed) return `a token (${prefixed[0].slice(0, 6)}...)`;
  for (const run of value.match(TOKEN_RUN) ?? []) {
    const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/].filter((re) => re.test(run)).length;
    if (kinds >= 2 && /[0-9]/.test(run) && !/^[a-z]+(?:[-_][a-z0-9]+)*$/.test(run))
      return 'a random-looking token';
  }
  return null;
}

export interface EnvSplit {
  /** Written into the workflow as they are. */
  inline: Record<string, string>;
  /** Referenced as `${{ secrets.NAME }}`; the user adds them in the repository's settings. */
  secrets: string[];
}

/**
 * Sorts a job's environment into values safe to write and names to reference as repository
 * secrets: a secret-sounding name (`*_TOKEN`, `*_KEY`, `PASSWORD`...), a credential-looking value,
 * or anything long is a secret.
 */
export function splitEnv(env: Record<string, string>): EnvSplit {
  const inline: Record<string, string> = {};
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    const plain = /^[\w .,:/@+=-]{0,64}$/.test(value);
    if (SECRET_NAME.test(name) || !plain || secretLikeness(value) !== null) secrets.push(name);
    else inline[name] = value;
  }
  return { inline, secrets };
}
