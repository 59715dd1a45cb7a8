import { describe, expect, it } from 'vitest';
import { combineFollowUp, namesIn, questionSubject } from '../../src/answer/followUp.ts';

const SUMMIT = 'Where is the Trump–Putin summit?';
const RUBIO = 'Who did Marco Rubio speak with on the phone?';

describe('questionSubject and namesIn', () => {
  it('drops the question word, auxiliary and a leading "and"', () => {
    expect(questionSubject(SUMMIT)).toBe('the Trump–Putin summit');
    expect(questionSubject(RUBIO)).toBe('Marco Rubio speak with on the phone');
    expect(questionSubject('And how many bags arrived in Bahia?')).toBe('bags arrived in Bahia');
    expect(questionSubject('?')).toBe('');
  });

  it('finds runs of capitalised words as names', () => {
    expect(namesIn('Marco Rubio speak with Sergey Lavrov on the phone')).toEqual(['Marco Rubio', 'Sergey Lavrov']);
    expect(namesIn('the Trump–Putin summit')).toEqual(['Trump–Putin']);
    expect(namesIn('U.S. car sales')).toEqual(['U.S.']);
  });
});

describe('combineFollowUp', () => {
  it('fills "that" / "it" with the previous subject', () => {
    expect(combineFollowUp(SUMMIT, 'when was that?')).toEqual({
      question: 'when was the Trump–Putin summit?',
      focus: 'when was the Trump–Putin summit?',
      kind: 'reference',
    });
    expect(combineFollowUp(SUMMIT, 'When did it happen?').focus).toBe('When did the Trump–Putin summit happen?');
  });

  it('chooses quotes for the follow-up\'s own words first, then with the subject filled in', () => {
    expect(combineFollowUp('What did the Russian readout say about the call?', 'which barriers did it mention?')).toEqual({
      question: 'which barriers did the Russian readout say about the call mention?',
      focus: 'which barriers did it mention?',
      fallbackFocus: 'which barriers did the Russian readout say about the call mention?',
      kind: 'reference',
    });
  });

  it('fills "he" with the previous name and searches with the rest of the subject', () => {
    const f = combineFollowUp(RUBIO, 'what did he say?');
    expect(f.kind).toBe('reference');
    expect(f.focus).toBe('what did Marco Rubio say?');
    expect(f.question).toBe('what did Marco Rubio say speak phone?');
  });

  it('fills "they" with the names joined when there are two', () => {
    expect(combineFollowUp('What did Lavrov and Rubio agree on?', 'when did they speak?').focus).toBe(
      'when did Lavrov and Rubio speak?',
    );
  });

  it('adds the previous subject to "and what did Zelensky say?", choosing quotes for Zelensky', () => {
    const f = combineFollowUp(SUMMIT, 'and what did Zelensky say?');
    expect(f).toEqual({
      question: 'what did Zelensky say Trump–Putin summit?',
      focus: 'what did Zelensky say?',
      fallbackFocus: 'what did Zelensky say Trump–Putin summit?',
      kind: 'continuation',
    });
  });

  it('repeats the previous question with a new name or number for "what about X?" / "and in 1985?"', () => {
    expect(combineFollowUp('What did Texaco report for fourth-quarter earnings?', 'what about Mobil?').question).toBe(
      'What did Mobil report for fourth-quarter earnings?',
    );
    expect(combineFollowUp('How much did U.S. car sales fall in 1986?', 'and in 1985?').question).toBe(
      'How much did U.S. car sales fall in 1985?',
    );
    expect(combineFollowUp('Where will the summit be held?', 'and the dates?').question).toBe('Where will the summit be held the dates?');
  });

  it('a bare "when?" searches and chooses quotes with the previous subject', () => {
    const f = combineFollowUp(RUBIO, 'when?');
    expect(f.focus).toBe('when Marco Rubio speak phone?');
    expect(f.question).toBe(f.focus);
  });

  it('reads "this year", "that call" and "is there" as no reference to replace', () => {
    expect(combineFollowUp(SUMMIT, 'Who won the Super Bowl in Texas this year?')).toMatchObject({
      question: 'Who won the Super Bowl in Texas this year?',
      kind: 'standalone',
    });
    expect(combineFollowUp('Where is the summit?', 'is there a date for it?')).toMatchObject({
      focus: 'is there a date for it?',
      fallbackFocus: 'is there a date for the summit?',
    });
    expect(combineFollowUp('Who did Rubio speak with?', 'what did the ministers say about that call?')).toMatchObject({
      focus: 'what did the ministers say about that call?',
      kind: 'continuation',
    });
  });

  it('leaves a follow-up alone when the previous question has no subject', () => {
    expect(combineFollowUp('Why?', 'when was that?')).toEqual({ question: 'when was that?', focus: 'when was that?', kind: 'standalone' });
  });

  it('keeps a chain of follow-ups bounded', () => {
    let previous = SUMMIT;
    for (let i = 0; i < 30; i++) previous = combineFollowUp(previous, `and what did minister${i} say about it?`).question;
    expect(previous.length).toBeLessThan(400);
  });
});

describe('combineFollowUp with dates', () => {
  it('puts a new month in place of the old one, not in place of a name', () => {
    expect(
      combineFollowUp('How much crude did OPEC produce in February 1987 according to the IEA?', 'and in January?').question,
    ).toBe('How much crude did OPEC produce in January 1987 according to the IEA?');
  });
});
