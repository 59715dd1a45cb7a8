import { describe, expect, it } from 'vitest';
import { dayAsTime, findDays, isoDay, sameDay, timeScope, withoutDates, withoutTimeWords } from '../../src/search/timeScope.ts';

const at = (day: string) => new Date(`${day}T12:00:00Z`);
const coverage = { first: '1987-02-26', last: '1987-10-20' };

describe('findDays', () => {
  it('reads the ways news text writes a day', () => {
    expect(findDays('What happened on Feb. 12?')).toEqual([{ month: 2, day: 12 }]);
    expect(findDays('on February 12th, 2025')).toEqual([{ month: 2, day: 12, year: 2025 }]);
    expect(findDays('on 12 February 2025')).toEqual([{ month: 2, day: 12, year: 2025 }]);
    expect(findDays('published 2025-02-15')).toEqual([{ month: 2, day: 15, year: 2025 }]);
  });

  it('does not take "may" or a bare month for a day', () => {
    expect(findDays('Talks may start in March.')).toEqual([]);
    expect(findDays('on May 5')).toEqual([{ month: 5, day: 5 }]);
  });
});

describe('sameDay', () => {
  it('compares years only when both sides give one', () => {
    expect(sameDay({ month: 2, day: 15 }, isoDay('2025-02-15')!)).toBe(true);
    expect(sameDay({ month: 2, day: 15, year: 2024 }, isoDay('2025-02-15')!)).toBe(false);
    expect(sameDay({ month: 2, day: 14 }, isoDay('2025-02-15')!)).toBe(false);
    expect(isoDay(null)).toBeUndefined();
  });
});

describe('timeScope', () => {
  it('reads relative expressions against the time of asking', () => {
    expect(timeScope('What did OPEC decide this week?', at('1987-04-20')).window).toEqual({ from: '1987-04-14', to: '1987-04-20' });
    expect(timeScope('What fell yesterday?', at('1987-10-20')).window).toEqual({ from: '1987-10-19', to: '1987-10-20' });
    expect(timeScope('What happened today?', at('1987-10-20')).window).toEqual({ from: '1987-10-20', to: '1987-10-20' });
    expect(timeScope('How did the dollar do last week?', at('1987-04-20')).window).toEqual({ from: '1987-04-07', to: '1987-04-13' });
    const lastMonth = timeScope('What did the report released last month show?', at('1987-04-20'));
    expect(lastMonth.period).toMatchObject({ from: '1987-03-01', to: '1987-03-31' });
    expect(lastMonth.relative).toBe(true);
    expect(timeScope('What did Elders say it bought recently?', at('1987-04-27')).window).toEqual({ from: '1987-03-28', to: '1987-04-27' });
  });

  it('reads days and months, a month without a year being its latest one up to now or the end of the coverage', () => {
    const day = timeScope('Who was chief of staff on February 26, 1987?', at('1987-10-20'), coverage);
    expect(day.period).toMatchObject({ from: '1987-02-26', to: '1987-02-26' });
    expect(day.days).toEqual([{ month: 2, day: 26, year: 1987 }]);
    expect(timeScope('What did the Bundesbank do in October?', at('1987-04-20')).period).toMatchObject({ from: '1986-10-01', to: '1986-10-31' });
    expect(timeScope('What did the Bundesbank do in October?', at('2026-12-01'), coverage).period).toMatchObject({ from: '1987-10-01', to: '1987-10-31' });
    // A month's figures are published after it: the window runs on past its end.
    expect(timeScope('What was the jobless rate in February 1987?', at('1987-10-20')).window).toEqual({ from: '1987-02-01', to: '1987-03-31' });
    expect(timeScope('What happened in 1987?', at('1987-10-20')).period).toMatchObject({ from: '1987-01-01', to: '1987-10-20' });
    expect(timeScope('How much did loans change in the week to March 11, 1987?', at('1987-10-20')).period).toMatchObject({ from: '1987-03-11' });
  });

  it('tells latest-state questions from questions about a past moment', () => {
    expect(timeScope('What prime rate is Chemical Bank charging now?', at('1987-10-20')).latest).toBe('explicit');
    expect(timeScope('What is Japan\'s jobless rate, according to the most recent figures?', at('1987-10-20'))).toMatchObject({ latest: 'explicit' });
    expect(timeScope('What is Japan\'s jobless rate, according to the most recent figures?', at('1987-10-20')).window).toBeUndefined();
    expect(timeScope("Who serves as Reagan's chief of staff?", at('1987-10-20')).latest).toBe('present');
    expect(timeScope('Who did Reagan nominate to run the CIA?', at('1987-10-20')).latest).toBe('none');
    expect(timeScope('Who was finance minister in March 1987?', at('1987-10-20')).latest).toBe('none');
  });

  it('keeps "last year\'s level" a comparison when the question names its own period', () => {
    const s = timeScope("How far above last year's level was output in this week's report?", at('1987-04-09'));
    expect(s.window).toEqual({ from: '1987-04-03', to: '1987-04-09' });
  });

  it('flags impossible days and times after now instead of guessing', () => {
    expect(timeScope('What happened on February 30?', at('1987-04-20')).problem).toEqual({ kind: 'impossible', text: 'February 30' });
    expect(timeScope('What happened on 31 April 1987?', at('1987-10-20')).problem?.kind).toBe('impossible');
    expect(timeScope('What will OPEC do next year?', at('1987-04-20')).problem).toEqual({ kind: 'future', text: 'next year' });
    expect(timeScope('What happened in 2030?', at('1987-04-20')).problem?.kind).toBe('future');
    expect(timeScope('What happened on February 29, 1988?', at('1988-03-01')).problem).toBeUndefined();
  });
});

describe('withoutTimeWords and dayAsTime', () => {
  it('drops relative time words but keeps dates and comparisons', () => {
    expect(withoutTimeWords('What prime rate is Chemical Bank charging now?')).toBe('What prime rate is Chemical Bank charging ?');
    expect(withoutTimeWords("How far above last year's level was output in this week's report?")).toBe("How far above last year's level was output in report?");
    expect(withoutTimeWords('What happened on March 3?')).toBe('What happened on March 3?');
  });

  it('reads a question for its answer without the time it is about, but keeps dates that name the thing asked', () => {
    expect(withoutDates("What was the bank's offer for Acme on March 5, 1987?")).toBe("What was the bank's offer for Acme?");
    expect(withoutDates('Who was finance minister in early March 1987?')).toBe('Who was finance minister?');
    expect(withoutDates('To what did the bank say on April 3 it would cut its rate?')).toBe('To what did the bank say it would cut its rate?');
    expect(withoutDates('What stake did the group hold as of March 9, 1987?')).toBe('What stake did the group hold?');
    expect(withoutDates('What was the trade deficit in 1987?')).toBe('What was the trade deficit?');
    expect(withoutDates('What did OPEC decide this week?')).toBe('What did OPEC decide?');
    // "the week ended March 30": reports write "in the March 30 week"; the date is part of what is asked.
    expect(withoutDates('How much did M-1 change in the week ended March 30, 1987?')).toBe('How much did M-1 change in the week ended March 30, 1987?');
    expect(withoutDates('What did the March 3 report say?')).toBe('What did the March 3 report say?');
    // With hardly a word besides the date, the date is what to find.
    expect(withoutDates('What happened on Feb. 14?')).toBe('What happened on Feb. 14?');
  });

  it('takes a real day only', () => {
    expect(dayAsTime('1987-04-20')?.toISOString()).toBe('1987-04-20T12:00:00.000Z');
    expect(dayAsTime('1987-02-30')).toBeUndefined();
    expect(dayAsTime('April 20')).toBeUndefined();
  });
});

describe('parts of a month', () => {
  it('reads "early", "mid-" and "late" March as thirds of it', () => {
    expect(timeScope('Who was minister in early March 1987?', at('1987-10-20')).period).toMatchObject({ from: '1987-03-01', to: '1987-03-10' });
    expect(timeScope('What happened in mid-March 1987?', at('1987-10-20')).period).toMatchObject({ from: '1987-03-11', to: '1987-03-20' });
    expect(timeScope('What happened in late March 1987?', at('1987-10-20')).period).toMatchObject({ from: '1987-03-21', to: '1987-03-31' });
  });
});

describe('weekdays and words that only look like months', () => {
  it('reads "on Monday" as the latest Monday up to now, with the day after for its reports', () => {
    expect(timeScope('What did GAF offer on Monday?', at('1987-10-20')).window).toEqual({ from: '1987-10-19', to: '1987-10-20' });
    expect(timeScope('What happened last Friday?', at('1987-10-20')).period).toMatchObject({ from: '1987-10-16' });
  });

  it('does not take "march" or "may" as verbs for months', () => {
    expect(timeScope('Why did protesters march on the capital?', at('1987-10-20')).period).toBeUndefined();
    expect(timeScope('Prices may rise: by how much?', at('1987-10-20')).period).toBeUndefined();
    expect(timeScope('What happened in March?', at('1987-10-20')).period).toMatchObject({ from: '1987-03-01' });
  });
});
