import { describe, expect, it } from 'vitest';
import { tokenize } from '../../src/search/tokenize.ts';

describe('tokenize', () => {
  it('drops function words and stems the rest', () => {
    expect(tokenize('Who did Marco Rubio speak with on the phone?')).toEqual(['marco', 'rubio', 'speak', 'phone']);
  });

  it('gives a hyphenated word its parts and the parts joined', () => {
    expect(tokenize('non-religious')).toEqual(['non', 'religi', 'nonreligi']);
    expect(tokenize('nonreligious')).toEqual(['nonreligi']);
  });

  it('folds accents so names match however they are typed', () => {
    expect(tokenize('Céloron Erdoğan Zürich')).toEqual(tokenize('Celoron Erdogan Zurich'));
  });

  it('writes every spelling of a month and a day the same way', () => {
    expect(tokenize('February 12th')).toEqual(tokenize('Feb. 12'));
    expect(tokenize('Sept. 3')).toEqual(tokenize('September 3'));
  });

  it('relates irregular verb forms to their base', () => {
    expect(tokenize('the talks were held')).toEqual(tokenize('the talks hold'));
    expect(tokenize('she wrote')).toEqual(tokenize('she writes'));
    // Forms that are words of their own are left alone ("the Fed" is not "feed").
    expect(tokenize('the Fed')).not.toEqual(tokenize('feed'));
  });

  it("treats a possessive like the word (\"Russia's\" is \"Russia\")", () => {
    expect(tokenize("Russia's readout")).toEqual(tokenize('Russia readout'));
  });
});
