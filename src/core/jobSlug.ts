// A job's name as a path segment: branch names (`night-pilot/<slug>/<YYYYMMDD-HHMM>`), exported
// workflow files (`night-pilot-<slug>.yml`). The local review and the GitHub Actions export use
// the same slug, so a job's branches look alike wherever it ran.

const MAX_SLUG_LENGTH = 40;

/**
 * Lower-case ASCII letters, digits and single dashes, at most 40 characters: "Nightly Review
 * (API)" becomes "nightly-review-api". Accents are dropped to their base letter; a name with
 * nothing usable left becomes `job-<first 8 characters of the id>`.
 */
export function jobSlug(name: string, id: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/-+$/, '');
  return slug === '' ? `job-${id.slice(0, 8).toLowerCase()}` : slug;
}
