import { describe, expect, it } from 'vitest';
import { answerKind } from '../../src/answer/reader/answerTypes.ts';

// What a question asks for decides which sentences the reader prefers: one with an amount for
// "what price", one with a person's name for "which economist".
describe('answerKind: what a question asks for', () => {
  it.each([
    ['What is Martin Sosnoff\'s latest per-share offer for Caesars World?', 'amount'],
    ['What per-share price has ChemLawn agreed to accept in a merger?', 'amount'],
    ['What is ANZ Banking Group\'s Australian prime rate?', 'amount'],
    ['What is the Commonwealth Bank of Australia\'s reference rate for loans?', 'amount'],
    ['To what did the Commonwealth Bank of Australia cut its prime rate?', 'amount'],
    ['What is Dart Group offering per Supermarkets General share?', 'amount'],
    ['What did the U.S. Embassy put Indonesia\'s sugar output at?', 'amount'],
    ['What second-quarter loss does First Wisconsin expect?', 'amount'],
    ['How many miners were trapped?', 'amount'],
  ])('%s -> an amount', (question, kind) => {
    expect(answerKind(question)).toBe(kind);
  });

  it.each([
    ['Which Jardine Fleming economist said the world had reason to be furious with Japan?', 'person'],
    ['Which Bundesbank board member said rate cuts were needed?', 'person'],
    ['Which PLDT vice-president disclosed the stock split?', 'person'],
    ['What is the name of the Peruvian central bank president who met Mancera?', 'person'],
    ['Who ordered the pay freeze?', 'person'],
  ])('%s -> a person', (question, kind) => {
    expect(answerKind(question)).toBe(kind);
  });

  it.each([
    ['Which Eli Lilly unit won a court order?', 'name'],
    ['What was Genentech\'s growth hormone product that Roche sued over?', 'name'],
    ['Which Japanese company\'s bid for Fairchild worried Baldrige?', 'name'],
    ['When will the talks resume?', 'date'],
    ['Where will the two presidents meet?', 'place'],
    ['Why did the bank cut its rate?', 'reason'],
    ['What did President Reagan tell Crown Prince Abdullah?', 'other'],
    ['What is the status of the labour dispute at the plant?', 'other'],
  ])('%s -> %s', (question, kind) => {
    expect(answerKind(question)).toBe(kind);
  });
});
