import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A logistic regression over named features, standardised with the training set's mean and spread. */
export interface LogisticModel {
  features: string[];
  mean: number[];
  std: number[];
  weights: number[];
  bias: number;
}

/** The reader's two models: which sentence answers, and whether the best one does. */
export interface ReaderVariant {
  /** P(this sentence holds the answer), from its features. */
  candidate: LogisticModel;
  /** P(the best sentence holds the answer), from its features and the candidate model's scores. */
  answer: LogisticModel;
  /**
   * Per kind of question (person, amount, ...), the answer span is marked when P(answers) is at
   * least this: kinds where, out of fold, 3 in 4 spans marked in a right sentence were the answer.
   * A kind not listed never gets one.
   */
  spanMinProbability: Partial<Record<string, number>>;
  /** The threshold on P(answers) chosen by the training script (the default of MIN_ANSWER_CONFIDENCE). */
  minConfidence: number;
}

export interface ReaderModel {
  version: 1;
  /** How it was made: the command and the data. */
  trainedWith: string;
  /** With word vectors (soft matches) and without: an embedder without word vectors uses `lexical`. */
  lexical: ReaderVariant;
  vectors?: ReaderVariant;
  /** Cross-validated figures printed by the training script, kept for the record. */
  crossValidation?: unknown;
}

export function logit(model: LogisticModel, values: Record<string, number | undefined>): number {
  let z = model.bias;
  for (let i = 0; i < model.features.length; i++) {
    const x = values[model.features[i]!] ?? 0;
    z += model.weights[i]! * ((x - model.mean[i]!) / model.std[i]!);
  }
  return z;
}

export const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('./model.json', import.meta.url));

let cached: ReaderModel | undefined;

/** The committed model (src/answer/reader/model.json, written by `npm run train-reader`). */
export function defaultReaderModel(): ReaderModel {
  cached ??= readReaderModel(DEFAULT_MODEL_PATH);
  return cached;
}

export function readReaderModel(file: string): ReaderModel {
  const model = JSON.parse(fs.readFileSync(file, 'utf8')) as ReaderModel;
  if (model.version !== 1 || !model.lexical?.candidate || !model.lexical?.answer) {
    throw new Error(`${file} is not a reader model (version 1); run npm run train-reader`);
  }
  return model;
}
