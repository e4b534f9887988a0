// Entry point of `npm run gen-settings` / `npm run check-settings`; see genSettings.ts.
import { main } from "./genSettings";

main();
