import type { SampleFile } from './upload-view.ts';

/**
 * The demo's sample databases, served under `samples/` beside the page with an `index.json`
 * listing them (written by `scripts/make-samples.ts` at every build). Empty when this build has
 * none.
 */
export async function loadSampleList(base: string): Promise<SampleFile[]> {
  try {
    const response = await fetch(`${base}samples/index.json`);
    if (!response.ok) return [];
    const list: unknown = await response.json();
    if (!Array.isArray(list)) return [];
    return list.filter(
      (item): item is SampleFile =>
        typeof item?.file === 'string' &&
        typeof item.title === 'string' &&
        typeof item.description === 'string',
    );
  } catch {
    return [];
  }
}

/** Fetches one sample as a `File`, ready for the same path as a picked one. */
export async function fetchSample(base: string, sample: SampleFile): Promise<File> {
  const response = await fetch(`${base}samples/${encodeURIComponent(sample.file)}`);
  if (!response.ok)
    throw new Error(`The sample ${sample.file} is not available (HTTP ${response.status}).`);
  return new File([await response.blob()], sample.file, { type: 'application/vnd.sqlite3' });
}
