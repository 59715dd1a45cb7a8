import { describe, expect, it } from 'vitest';
import { findDays, isoDay, sameDay } from '../../src/search/dates.ts';

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
