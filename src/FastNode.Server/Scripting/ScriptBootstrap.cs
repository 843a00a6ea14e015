namespace FastNode.Server.Scripting;

/// <summary>
/// The Lua side of the scripting environment, run once per Lua state while the real globals are still writable. It
/// receives the C# primitives as arguments and leaves behind what Redis 7.0's scripts see:
/// - no os/io/require/dofile/loadfile/print/setfenv/getfenv/newproxy/module/debug;
/// - a read-only environment: reading an undeclared global and writing any global fail with Redis's texts, and the
///   library tables (redis, string, math, table, cjson, bit, struct, cmsgpack...) are read-only too;
/// - loadstring refuses binary chunks, and what it compiles runs in the same protected environment;
/// - the redis table: call/pcall (C# raises nothing: this wrapper does), error_reply/status_reply, sha1hex, log and
///   its levels, setresp, set_repl and its flags, replicate_commands, breakpoint, debug, acl_check_cmd, versions;
/// - an error handler that adds where in the user's code an error happened (Redis's "on @user_script:N").
/// Returns the environment scripts run in, the error handler, the hook installer, setfenv and the error arming function.
/// </summary>
internal static class ScriptBootstrap
{
    public const string Code = """
local raw_call, raw_pcall, raw_hook, raw_sha1hex, raw_log, raw_setresp, raw_set_repl, raw_acl_check, version, version_num = ...
local G = _G
local getinfo, sethook = debug.getinfo, debug.sethook
local error, type, tostring, rawget, setmetatable, setfenv, loadstring, pcall = error, type, tostring, rawget, setmetatable, setfenv, loadstring, pcall
local string_sub, string_find, string_byte = string.sub, string.find, string.byte

local function readonly(t)
  return setmetatable({}, {
    __index = t,
    __newindex = function() error("Attempt to modify a readonly table", 2) end,
    __metatable = false })
end

local redis = {}
redis.call = raw_call
redis.pcall = raw_pcall
redis.error_reply = function(msg)
  if type(msg) ~= 'string' then return { err = 'ERR wrong number or type of arguments' } end
  if string_byte(msg, 1) ~= 45 then msg = '-' .. msg end
  if not string_find(msg, ' ', 1, true) then return { err = 'ERR ' .. string_sub(msg, 2) } end
  return { err = string_sub(msg, 2) }
end
redis.status_reply = function(msg)
  if type(msg) ~= 'string' then return { err = 'ERR wrong number or type of arguments' } end
  return { ok = msg }
end
redis.sha1hex = raw_sha1hex
redis.log = raw_log
redis.setresp = raw_setresp
redis.set_repl = raw_set_repl
redis.replicate_commands = function() return true end
redis.breakpoint = function() return false end
redis.debug = function() end
redis.acl_check_cmd = raw_acl_check
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
redis.REDIS_VERSION, redis.REDIS_VERSION_NUM = version, version_num

local env = {}
local function guarded_loadstring(s, name)
  if type(s) == 'string' and string_byte(s, 1) == 27 then return nil, "attempt to load a binary chunk" end
  local f, e = loadstring(s, name)
  if f then setfenv(f, env) end
  return f, e
end

G.redis = readonly(redis)
for _, name in ipairs({ 'string', 'table', 'math', 'coroutine', 'cjson', 'bit', 'struct', 'cmsgpack' }) do
  if rawget(G, name) then G[name] = readonly(G[name]) end
end
G.loadstring = guarded_loadstring
G.os, G.io, G.package, G.require, G.dofile, G.loadfile, G.print, G.module = nil, nil, nil, nil, nil, nil, nil, nil
G.setfenv, G.getfenv, G.newproxy, G.debug = nil, nil, nil, nil
G._G = env

setmetatable(G, { __index = function(_, name)
  error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
end })
setmetatable(env, {
  __index = G,
  __newindex = function() error("Attempt to modify a readonly table", 2) end,
  __metatable = false })

local function on_error(err)
  if type(err) ~= 'table' then err = { err = 'ERR ' .. tostring(err) } end
  local level = 2
  while true do
    local info = getinfo(level, 'Sl')
    if not info then break end
    if info.source == '@user_script' or info.source == '@user_function' then
      err.source = info.source
      err.line = info.currentline
      break
    end
    level = level + 1
  end
  return err
end

local hook_count = 100000
local function hook()
  local killed = raw_hook()
  if killed then error(killed) end
end
local function install_hook(instructions)
  hook_count = instructions
  sethook(hook, '', instructions)
end

-- C# cannot raise a Lua error (see LuaNative.cs), so a C# function that fails arms a one-shot return hook and
-- returns: the hook fires as that C function returns, still inside its caller's protected call, and raises the
-- error there. A script's own pcall(redis.call, ...) thus catches it, and "return redis.call(...)" (a tail call)
-- keeps the caller's frame, so the error names the script's line as Redis's does.
-- The hook also sees the returns of arm and of sethook itself, which it lets pass.
local pending, arm
local function raise_pending()
  local returning = getinfo(2, 'f').func
  if returning == sethook or returning == arm then return end
  sethook(hook, '', hook_count)
  local e = pending
  pending = nil
  error(e, 0)
end
arm = function(e)
  pending = e
  sethook(raise_pending, 'r')
end

return env, on_error, install_hook, setfenv, arm
""";
}
