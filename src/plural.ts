const rules = new Intl.PluralRules('en');

/** A count with its noun in the right number: "1 article", "0 articles", "2 passages". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${rules.select(n) === 'one' ? singular : plural}`;
}
