@rem `npm start` runs "exec node scripts/start.js": on Linux and macOS the shell is replaced by
@rem node, so SIGINT/SIGTERM that npm forwards reach it. cmd.exe has no exec: this runs the rest.
@%*
