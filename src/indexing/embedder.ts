import fs from 'node:fs';
import path from 'node:path';
import { env, pipeline, type FeatureExtractionPipeline } from '@xenova/transformers';
import { createLogger } from '../log.ts';
import { ensureStaticTable, RECIPE, type EnsureOptions } from './staticModel/cache.ts';
import { EMBEDDED_MODEL_ID, StaticEmbedder } from './staticModel/staticEmbedder.ts';
import type { WordVectors } from './wordVectors.ts';

export { EMBEDDED_MODEL_ID };

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

/** Whether EMBEDDING_MODEL names the embedded static model (the default). */
export function isEmbeddedModel(model: string): boolean {
  return model === '' || model === EMBEDDED_MODEL_ID;
}

/** A local folder when it looks like a path or exists on disk; a hub id ("org/name") otherwise. */
export function isLocalModelPath(model: string): boolean {
  if (isEmbeddedModel(model)) return false;
  return /^(\.{1,2}[\\/]|[\\/]|~|[A-Za-z]:[\\/])/.test(model) || fs.existsSync(model);
}

/** The identity recorded in the index manifest: a resolved folder path, or the hub id. */
export function modelIdentity(model: string): string {
  if (isEmbeddedModel(model)) return EMBEDDED_MODEL_ID;
  return isLocalModelPath(model) ? path.resolve(model) : model;
}

/**
 * Loads the model EMBEDDING_MODEL names. The embedded model (`glove-6b-100d`, the default) is a
 * table lookup done natively (src/indexing/staticModel/), its table built once from an npm
 * dependency. Anything else is a `feature-extraction` model for Transformers.js: a local folder
 * is loaded with remote access switched off, so nothing ever reaches for the hub by accident; a
 * hub id is downloaded and cached by Transformers.js as usual.
 */
export async function loadEmbedder(model: string, options: Pick<EnsureOptions, 'cacheDir' | 'onStatus'> = {}): Promise<Embedder> {
  if (isEmbeddedModel(model)) {
    const onStatus = options.onStatus ?? ((message: string) => createLogger().info(message));
    try {
      return new StaticEmbedder(await ensureStaticTable({ cacheDir: options.cacheDir, onStatus }), RECIPE.maxTokens);
    } catch (err) {
      throw new ModelError((err as Error).message);
    }
  }
  return loadTransformersEmbedder(model);
}

async function loadTransformersEmbedder(model: string): Promise<Embedder> {
  let extractor: FeatureExtractionPipeline;
  const modelId = modelIdentity(model);
  try {
    if (isLocalModelPath(model)) {
      if (!fs.existsSync(path.join(modelId, 'config.json'))) {
        throw new ModelError(
          `Embedding model folder not found or incomplete: ${modelId} (needs config.json, tokenizer.json and onnx/). ` +
            `Set EMBEDDING_MODEL to a Transformers.js model folder, a hub id such as Xenova/all-MiniLM-L6-v2, or leave it unset for the embedded model (${EMBEDDED_MODEL_ID}).`,
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
    if (!isLocalModelPath(model)) {
      throw new ModelError(
        `Could not fetch the embedding model "${model}" from the Hugging Face hub (${(err as Error).message}). ` +
          `Is this machine offline, or the id misspelled? The default model works offline: leave EMBEDDING_MODEL unset (or set it to ${EMBEDDED_MODEL_ID}), ` +
          'or set EMBEDDING_MODEL to a local Transformers.js model folder.',
      );
    }
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
