import { runMain } from "../tools/runMain";
import { seatCommand } from "../tools/seat";

// `npm run seat -- env NAME` / `npm run seat -- shell NAME` [--stack S] (see tools/seat.ts).
runMain(() => seatCommand(process.argv.slice(2)), { errorPrefix: "seat: ", errorExitCode: 2 });
