/**
 * How two array items are matched when arrays are diffed: by a stable identity field when the item is an
 * object that has one, otherwise by position. Equal primitives always match. This is jsondiffpatch's
 * `objectHash` idea, made explicit so the fast delta walker and jsondiffpatch agree on which items pair up.
 */

/** Fields tried in order to identify an object inside an array. */
export const DEFAULT_IDENTITY_KEYS: readonly string[] = ['id', 'key', 'name', 'uuid']

/** Decides and names the identity of array items under one list of identity fields. */
export interface ItemIdentity {
  /** True when `left` (at `leftIndex`) and `right` (at `rightIndex`) are the same item, possibly changed. */
  same(left: unknown, right: unknown, leftIndex: number, rightIndex: number): boolean
  /** A string equal for two items exactly when `same` is true for them. */
  key(item: unknown, index: number): string
  /** jsondiffpatch's `objectHash`: the key of an object or array item. */
  objectHash(item: object, index?: number): string
}

/**
 * Creates the item identity for a list of identity fields (a field counts when its value is a string or number).
 * @example
 * const identity = createItemIdentity(['id'])
 * identity.same({ id: 1, v: 'a' }, { id: 1, v: 'b' }, 0, 5) // true: same id, anywhere in the array
 */
export function createItemIdentity(identityKeys: readonly string[] = DEFAULT_IDENTITY_KEYS): ItemIdentity {
  const fieldOf = (item: object): string | undefined => {
    if (Array.isArray(item)) return undefined
    for (const field of identityKeys) {
      const value = (item as Record<string, unknown>)[field]
      if ((typeof value === 'string' || typeof value === 'number') && Object.hasOwn(item, field)) return field
    }
    return undefined
  }

  const objectKey = (item: object, index: number): string => {
    const field = fieldOf(item)
    if (field === undefined) return `\u0002${index}`
    const value = (item as Record<string, string | number>)[field]!
    return `\u0001${field}\u0001${typeof value === 'string' ? 's' : 'n'}${value}`
  }

  return {
    same(left, right, leftIndex, rightIndex) {
      if (left === right) return true
      if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null)
        return false
      const leftField = fieldOf(left)
      const rightField = fieldOf(right)
      if (leftField === undefined || rightField === undefined) {
        return leftField === rightField && leftIndex === rightIndex
      }
      return (
        leftField === rightField &&
        (left as Record<string, unknown>)[leftField] === (right as Record<string, unknown>)[rightField]
      )
    },
    key(item, index) {
      if (typeof item === 'object' && item !== null) return objectKey(item, index)
      if (typeof item === 'string') return `\u0000s${item}`
      return `\u0000${typeof item}${String(item)}`
    },
    objectHash(item, index = 0) {
      // jsondiffpatch also asks about null (its typeof is 'object').
      return item === null ? '\u0000null' : objectKey(item, index)
    },
  }
}

const defaultIdentity = createItemIdentity(DEFAULT_IDENTITY_KEYS)

/**
 * The item identity for `identityKeys`, or the shared default one when none are given.
 * @example identityFor(undefined).same({ id: 1 }, { id: 1, v: 2 }, 0, 3) // true
 */
export function identityFor(identityKeys: readonly string[] | undefined): ItemIdentity {
  return identityKeys ? createItemIdentity(identityKeys) : defaultIdentity
}
