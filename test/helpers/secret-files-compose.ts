/**
 * A compose file whose service reads an env file (`.env`) and a secret's file (`secrets/db_password.txt`): DR001 and
 * DR004 report them in a git repository unless git ignores them. Shared by the repository-boundary tests
 * (no-repository48a, git-above), which give the two files their own values.
 */
export const COMPOSE_WITH_ENV_AND_SECRET_FILE = [
  'services:',
  '  db:',
  '    image: postgres:17-alpine',
  '    env_file: .env',
  '    environment:',
  '      POSTGRES_PASSWORD_FILE: /run/secrets/db_password',
  '    secrets: [db_password]',
  'secrets:',
  '  db_password:',
  '    file: ./secrets/db_password.txt',
  '',
].join('\n');
