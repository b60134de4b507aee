/**
 * The WebSub hub's own rules (https://www.w3.org/TR/websub/): reading a subscription request, leases,
 * challenges, the verification URL and answer, signatures and Link headers. Pure: storage and HTTP live in
 * src/storage/hub-subscriptions.ts and src/jobs/hub-*.ts, beside the webhook sender they share a queue with.
 */
export { type HubLimits, type SubscriptionRequest, readSubscriptionRequest } from "./request";
export { confirmsChallenge, newChallenge, verificationUrl } from "./verification";
export { hubSignature } from "./signature";
export { discoveryLinks } from "./links";
