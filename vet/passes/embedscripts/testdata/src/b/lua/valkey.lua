%key k
redis.call('HEXPIRE', k, 10, 'FIELDS', 1, 'f') -- want "error: HEXPIRE is not in valkey-8.0: redis-7.4 has it"
return server.call('GET', 'other')
