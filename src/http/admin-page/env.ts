import type { Services } from "../context";
import type { Session } from "./session";

/** The admin page's request variables: the app's services, this response's CSP nonce, and once signed in, the session. */
export type AdminPageEnv = {
	Bindings: Cloudflare.Env;
	Variables: { services: Services; nonce: string; session: Session; sessionKey: CryptoKey };
};
