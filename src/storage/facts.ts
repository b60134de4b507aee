/** One row of catalog_facts (small facts about the catalog as a whole), read or written by name. */
export async function readFact(db: D1Database, name: string): Promise<string | undefined> {
	const row = await db.prepare("SELECT value FROM catalog_facts WHERE name = ?1").bind(name).first<{ value: string }>();
	return row?.value;
}

export function writeFact(db: D1Database, name: string, value: string): D1PreparedStatement {
	return db.prepare("INSERT INTO catalog_facts (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value").bind(name, value);
}
