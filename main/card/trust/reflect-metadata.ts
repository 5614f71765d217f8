// @peculiar/x509 (through tsyringe) needs the Reflect metadata API at load time, and the
// reflect-metadata package is not a dependency. This is the part tsyringe uses, enough for
// the certificate generator of tests. Import it before '@peculiar/x509'.

const metadata = new WeakMap<object, Map<unknown, unknown>>();

type MetadataReflect = typeof Reflect & {
  defineMetadata?: (key: unknown, value: unknown, target: object) => void;
  getMetadata?: (key: unknown, target: object) => unknown;
  getOwnMetadata?: (key: unknown, target: object) => unknown;
  hasMetadata?: (key: unknown, target: object) => boolean;
  hasOwnMetadata?: (key: unknown, target: object) => boolean;
};

const reflect = Reflect as MetadataReflect;
reflect.defineMetadata ??= (key, value, target) => {
  let map = metadata.get(target);
  if (!map) metadata.set(target, (map = new Map()));
  map.set(key, value);
};
reflect.getOwnMetadata ??= (key, target) => metadata.get(target)?.get(key);
reflect.getMetadata ??= (key, target) => metadata.get(target)?.get(key);
reflect.hasOwnMetadata ??= (key, target) => metadata.get(target)?.has(key) ?? false;
reflect.hasMetadata ??= (key, target) => metadata.get(target)?.has(key) ?? false;

export {};
