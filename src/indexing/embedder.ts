import fs from 'node:fs';
import path from 'node:path';
import { env, pipeline, type FeatureExtractionPipeline } from '@xenova/transformers';
import type { WordVectors } from './wordVectors.ts';

/** Turns texts into unit-length vectors (cosine similarity = dot product). */
export interface Embedder {
  /** The model as given: a hub id, or a local folder's absolute path. */
  readonly modelId: string;
  /** Read from the model's output, never assumed. */
  readonly dimension: number;
  embed(texts: string[]): Promise<Float32Array[]>;
  /** The model's word vectors, when it is a word-level (static) model; absent for transformers. */
  readonly words?: WordVectors;
}

export class ModelError extends Error {
  override name = 'ModelError';
}

/** A local folder when it looks like a path or exists on disk; a hub id ("org/name") otherwise. */
export function isLocalModelPath(model: string): boolean {
  return /^(\.{1,2}[\\/]|[\\/]|~|[A-Za-z]:[\\/])/.test(model) || fs.existsSync(model);
}

/** The identity recorded in the index manifest: a resolved folder path, or the hub id. */
export function modelIdentity(model: string): string {
  return isLocalModelPath(model) ? path.resolve(model) : model;
}

/**
 * Loads a `feature-extraction` model with Transformers.js. A local folder is loaded with remote
 * access switched off, so nothing ever reaches for the hub by accident; a hub id is downloaded
 * and cached by Transformers.js as usual.
 */
export async function loadEmbedder(model: string): Promise<Embedder> {
  let extractor: FeatureExtractionPipeline;
  const modelId = modelIdentity(model);
  try {
    if (isLocalModelPath(model)) {
      if (!fs.existsSync(path.join(modelId, 'config.json'))) {
        throw new ModelError(
          `Embedding model folder not found or incomplete: ${modelId} (needs config.json, tokenizer.json and onnx/). ` +
            'Set EMBEDDING_MODEL to a Transformers.js model folder or a hub id such as Xenova/all-MiniLM-L6-v2.',
        );
      }
      env.allowRemoteModels = false;
      env.localModelPath = path.dirname(modelId);
      extractor = await pipeline('feature-extraction', path.basename(modelId), { quantized: true });
    } else {
      env.allowRemoteModels = true;
      extractor = await pipeline('feature-extraction', model, { quantized: true });
    }
  } catch (err) {
    if (err instanceof ModelError) throw err;
    throw new ModelError(`Could not load embedding model "${model}": ${(err as Error).message}`);
  }

  const embed = async (texts: string[]): Promise<Float32Array[]> => {
    if (texts.length === 0) return [];
    const output = await extractor(texts, { pooling: 'mean', normalize: true });
    const [rows, dim] = output.dims as [number, number];
    const data = output.data as Float32Array;
    const vectors: Float32Array[] = [];
    for (let i = 0; i < rows; i++) vectors.push(data.slice(i * dim, (i + 1) * dim));
    return vectors;
  };
  const probe = await embed(['dimension probe']);
  return { modelId, dimension: probe[0]!.length, embed };
}
