import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateSecret } from "../../src/webhooks/secret";
import { signPayload } from "../../src/webhooks/signature";
import { nowSeconds } from "./builders";

function headersFor(msgId: string, timestamp: number, signature: string): Record<string, string> {
	return { "webhook-id": msgId, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
}

describe("signPayload", () => {
	it("matches the published Standard Webhooks test vector", async () => {
		// The example from the Svix / Standard Webhooks verification docs.
		const signature = await signPayload({
			msgId: "msg_p5jXN8AQM9LWM0D4loKWxJek",
			timestamp: 1614265330,
			body: '{"test": 2432232314}',
			secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
		});
		expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
	});

	it("is verified by the reference receiver, standardwebhooks, running in workerd", async () => {
		const secret = generateSecret();
		const timestamp = nowSeconds();
		const body = JSON.stringify({ type: "post.published", timestamp: "2026-03-01T09:00:00.000Z", data: { title: "Zoë & “quotes” ✓" } });
		const signature = await signPayload({ msgId: "msg_abc", timestamp, body, secrets: [secret] });
		expect(new Webhook(secret).verify(body, headersFor("msg_abc", timestamp, signature))).toEqual(JSON.parse(body));
	});

	it("signs with every secret during a rotation, so holders of only the old or only the new secret both verify", async () => {
		const oldSecret = generateSecret();
		const newSecret = generateSecret();
		const timestamp = nowSeconds();
		const body = '{"type":"ping","timestamp":"2026-03-01T09:00:00.000Z","data":{}}';
		const signature = await signPayload({ msgId: "msg_rot", timestamp, body, secrets: [oldSecret, newSecret] });

		expect(signature.split(" ")).toHaveLength(2);
		expect(signature).toMatch(/^v1,[A-Za-z0-9+/]{43}= v1,[A-Za-z0-9+/]{43}=$/);
		const headers = headersFor("msg_rot", timestamp, signature);
		expect(new Webhook(oldSecret).verify(body, headers)).toEqual(JSON.parse(body));
		expect(new Webhook(newSecret).verify(body, headers)).toEqual(JSON.parse(body));
		expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow(/No matching signature/);
	});

	it("produces a signature that fails when the body, id or timestamp is changed", async () => {
		const secret = generateSecret();
		const timestamp = nowSeconds();
		const body = '{"type":"post.updated"}';
		const signature = await signPayload({ msgId: "msg_1", timestamp, body, secrets: [secret] });
		const receiver = new Webhook(secret);
		expect(() => receiver.verify('{"type":"post.deleted"}', headersFor("msg_1", timestamp, signature))).toThrow(/No matching signature/);
		expect(() => receiver.verify(body, headersFor("msg_2", timestamp, signature))).toThrow(/No matching signature/);
		expect(() => receiver.verify(body, headersFor("msg_1", timestamp + 1, signature))).toThrow(/No matching signature/);
	});

	it("refuses to sign without a secret, with a fractional timestamp or with a dot in the id", async () => {
		await expect(signPayload({ msgId: "msg_1", timestamp: 1, body: "{}", secrets: [] })).rejects.toThrow(/at least one secret/);
		await expect(signPayload({ msgId: "msg_1", timestamp: 1.5, body: "{}", secrets: [generateSecret()] })).rejects.toThrow(/whole Unix seconds/);
		await expect(signPayload({ msgId: "msg.1", timestamp: 1, body: "{}", secrets: [generateSecret()] })).rejects.toThrow(/no "\."/);
	});
});
