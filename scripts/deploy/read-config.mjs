/** [env.production] as wrangler itself reads it (inheritance, defaults and all), for the setup and deploy checks. */
import { PRODUCTION_ENV } from "./production-config.mjs";

export async function loadConfigReader() {
	const { unstable_readConfig } = await import("wrangler");
	return (configPath) => unstable_readConfig({ config: configPath, env: PRODUCTION_ENV }, { hideWarnings: true });
}
