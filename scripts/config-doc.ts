/** Prints the README's table of environment variables, generated from src/config.ts. */
import { configTable } from '../src/config';

console.log(configTable());
