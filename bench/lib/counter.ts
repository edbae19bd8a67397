/** A shared counter for request generators: every request of a run takes the next index. */
export function counter(start = 0): () => number {
  let next = start;
  return () => next++;
}
