/**
 * Delta debugging (Zeller's ddmin): the smallest subset of a set of changes that still makes a test
 * fail, found by testing subsets and their complements at finer and finer granularity. Here a "change" is
 * a configuration key taken from the other variant, and "fails" means the divergence appears.
 */

/**
 * A 1-minimal subset of `items` for which `fails` holds (removing any one item makes it pass), given that
 * it holds for all of `items`; `tests` counts the calls made.
 * @example await ddmin(['a', 'b', 'c'], async (keys) => keys.includes('b')) // { minimal: ['b'], tests: 3 }
 */
export async function ddmin<T>(
  items: readonly T[],
  fails: (subset: readonly T[]) => Promise<boolean>,
): Promise<{ minimal: T[]; tests: number }> {
  let tests = 0
  const cache = new Map<string, boolean>()
  const check = async (subset: readonly T[]) => {
    const key = subset.map((item) => items.indexOf(item)).join(',')
    const known = cache.get(key)
    if (known !== undefined) return known
    tests++
    const result = await fails(subset)
    cache.set(key, result)
    return result
  }
  let current = [...items]
  let granularity = 2
  while (current.length >= 2) {
    const chunks = split(current, granularity)
    let reduced = false
    for (const chunk of chunks) {
      if (await check(chunk)) {
        current = chunk
        granularity = 2
        reduced = true
        break
      }
    }
    if (!reduced && granularity > 2) {
      for (const chunk of chunks) {
        const complement = current.filter((item) => !chunk.includes(item))
        if (await check(complement)) {
          current = complement
          granularity = Math.max(granularity - 1, 2)
          reduced = true
          break
        }
      }
    }
    if (!reduced) {
      if (granularity >= current.length) break
      granularity = Math.min(current.length, granularity * 2)
    }
  }
  return { minimal: current, tests }
}

/** `items` in `parts` nearly equal consecutive chunks. */
function split<T>(items: readonly T[], parts: number): T[][] {
  const chunks: T[][] = []
  let start = 0
  for (let part = 0; part < parts; part++) {
    const end = start + Math.floor((items.length - start) / (parts - part))
    chunks.push(items.slice(start, end))
    start = end
  }
  return chunks.filter((chunk) => chunk.length > 0)
}
