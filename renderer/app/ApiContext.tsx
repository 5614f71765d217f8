import { createContext, useContext } from 'react';
import type { MadoguchiApi } from '../../preload/client';

export const ApiContext = createContext<MadoguchiApi | null>(null);

/** The typed bridge to main (window.madoguchi), provided once by the entry. */
export function useApi(): MadoguchiApi {
  const api = useContext(ApiContext);
  if (api === null) throw new Error('useApi() outside <ApiContext>');
  return api;
}
