namespace FastNode.Server.Scripting;

/// <summary>
/// The Lua side of FUNCTION LOAD, run once per Lua state after <see cref="ScriptBootstrap"/>. It receives the script
/// environment, the raw globals, setfenv, redis.log and the version constants, and returns load_library(chunk).
/// As in Redis 7.0, a library's code runs in an environment that holds only a `redis` table with register_function,
/// log, the LOG_* levels and the versions: every other name (even `error` or `string`) is a nonexistent global.
/// The callbacks it registers keep that chunk's environment, so the environment is one table whose lookups depend on
/// whether a load is running: afterwards they see what EVAL scripts see, except KEYS and ARGV (FCALL passes those as
/// parameters). Each registered function comes back as { name, callback, flags, description }, flags as ScriptFlags.
/// </summary>
internal static class FunctionBootstrap
{
    public const string Code = """
local env, G, setfenv, raw_log, version, version_num = ...
local error, type, tostring, rawget, setmetatable, pcall, pairs = G.error, G.type, G.tostring, G.rawget, G.setmetatable, G.pcall, G.pairs
local string_find, select = G.string.find, G.select

local function readonly()
  error("Attempt to modify a readonly table", 2)
end

local flag_bits = { ['no-writes'] = 1, ['allow-oom'] = 2, ['allow-stale'] = 4, ['no-cluster'] = 8, ['allow-cross-slot-keys'] = 16 }
local registered, seen

local function fail(message)
  error({ err = 'ERR ' .. message })
end

local function is_string(v)
  local t = type(v)
  return t == 'string' or t == 'number'
end

local function read_named(t)
  local name, callback, flags, description = nil, nil, 0, nil
  for k, v in pairs(t) do
    if k == 'function_name' then
      if not is_string(v) then fail('function_name argument given to redis.register_function must be a string') end
      name = tostring(v)
    elseif k == 'description' then
      if not is_string(v) then fail('description argument given to redis.register_function must be a string') end
      description = tostring(v)
    elseif k == 'callback' then
      if type(v) ~= 'function' then fail('callback argument given to redis.register_function must be a function') end
      callback = v
    elseif k == 'flags' then
      if type(v) ~= 'table' then fail('flags argument to redis.register_function must be a table representing function flags') end
      for _, f in pairs(v) do
        local bit = type(f) == 'string' and flag_bits[f]
        if not bit then fail('unknown flag given') end
        if flags % (bit * 2) < bit then flags = flags + bit end
      end
    else
      fail('unknown argument given to redis.register_function')
    end
  end
  if not name then fail('redis.register_function must get a function name argument') end
  if not callback then fail('redis.register_function must get a callback argument') end
  return name, callback, flags, description
end

local function register_function(...)
  local argc = select('#', ...)
  local a, b = ...
  local name, callback, flags, description
  if argc == 1 then
    if type(a) ~= 'table' then fail('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).') end
    name, callback, flags, description = read_named(a)
  elseif argc == 2 then
    if not is_string(a) then fail('first argument to redis.register_function must be a string') end
    if type(b) ~= 'function' then fail('second argument to redis.register_function must be a function') end
    name, callback, flags = tostring(a), b, 0
  else
    fail('wrong number of arguments to redis.register_function')
  end
  if not string_find(name, '^[%w_]+$') then
    fail('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long')
  end
  if seen[name] then fail('Function already exists in the library') end
  seen[name] = true
  registered[#registered + 1] = { name, callback, flags, description }
end

local load_api = {
  register_function = register_function,
  log = raw_log,
  LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
  REDIS_VERSION = version, REDIS_VERSION_NUM = version_num,
}
local load_redis = setmetatable({}, { __index = function(_, name)
  local v = rawget(load_api, name)
  if v == nil then error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2) end
  return v
end, __newindex = readonly, __metatable = false })

local loading = false
local library_env = setmetatable({}, {
  __index = function(_, name)
    if loading then
      if name == 'redis' then return load_redis end
      error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
    end
    if name == 'KEYS' or name == 'ARGV' then
      error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
    end
    local v = rawget(env, name)
    if v == nil then v = rawget(G, name) end
    if v == nil then error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2) end
    return v
  end,
  __newindex = readonly,
  __metatable = false })

return function(chunk)
  registered, seen = {}, {}
  setfenv(chunk, library_env)
  loading = true
  local ok, err = pcall(chunk)
  loading = false
  local result = registered
  registered, seen = nil, nil
  if not ok then
    if type(err) == 'table' then err = err.err else err = 'ERR ' .. tostring(err) end
    return nil, err
  end
  return result
end
""";
}
