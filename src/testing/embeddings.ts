/** Deterministic unit vector for a text, so tests can compare embeddings. */
export function simEmbedding(text: string, dims: number): number[] {
  let h = 2166136261;
  const v: number[] = [];
  for (let i = 0; i < dims; i++) {
    for (let j = 0; j < text.length; j++) h = Math.imul(h ^ text.charCodeAt(j), 16777619) ^ i;
    v.push(((h >>> 0) % 2000) / 1000 - 1);
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}

/**
 * Q8: an embedding as `encoding_format: "base64"` sends it: little-endian float32 bytes in base64.
 * `btoa`, not `Buffer`, so the simulator runs wherever `fetch` does.
 */
export function base64Floats(v: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(v.length * 4));
  v.forEach((x, i) => view.setFloat32(i * 4, x, true));
  let binary = "";
  for (let i = 0; i < view.byteLength; i++) binary += String.fromCharCode(view.getUint8(i));
  return btoa(binary);
}
