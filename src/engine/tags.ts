// Whether a task runs under --tags / --skip-tags, with Ansible's special tags.

export function tagsAllow(tags: string[], only: string[], skip: string[]): boolean {
  const has = (t: string): boolean => tags.includes(t);
  if (skip.length > 0) {
    if (skip.includes('all') && !(has('always') && !skip.includes('always'))) return false;
    if (skip.includes('tagged') && tags.length > 0 && !(has('always') && !skip.includes('always')))
      return false;
    if (skip.includes('untagged') && tags.length === 0) return false;
    for (const t of tags) {
      if (t === 'always' && !skip.includes('always')) continue;
      if (skip.includes(t)) return false;
    }
  }
  const requested = only.length === 0 ? ['all'] : only;
  if (has('never') && !tags.some((t) => t !== 'never' && requested.includes(t))) return false;
  if (requested.includes('all')) return true;
  if (has('always')) return true;
  if (requested.includes('tagged') && tags.length > 0) return true;
  if (requested.includes('untagged') && tags.length === 0) return true;
  return tags.some((t) => requested.includes(t));
}
