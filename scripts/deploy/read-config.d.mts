/** Types for read-config.mjs. */
import type { ProductionConfig } from "./production-config.mjs";

export declare function loadConfigReader(): Promise<(configPath: string) => ProductionConfig>;
