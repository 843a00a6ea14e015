using System.Buffers.Text;
using static FastNode.Server.Scripting.LuaNative;

namespace FastNode.Server.Scripting;

/// <summary>
/// Pushes a command's reply (RESP2 or RESP3 bytes, as the script chose with redis.setresp) onto the Lua stack as
/// Redis 7.0 converts it: integer -> number, bulk -> string, nil bulk/array -> false (RESP2) or nil (RESP3 null),
/// array -> table, status -> {ok=...}, error -> {err=...}; RESP3 map -> {map={...}}, set -> {set={member=true}},
/// double -> {double=n}, boolean -> boolean, big number -> {big_number="..."}, verbatim -> {verbatim_string=
/// {format=..., string=...}}. The bytes were written by our own handlers, so they are well formed.
/// </summary>
internal static unsafe class RespToLua
{
    /// <summary>Pushes one value and returns where the next one starts.</summary>
    public static int Push(IntPtr l, ReadOnlySpan<byte> reply, int pos)
    {
        lua_checkstack(l, 4);
        byte type = reply[pos];
        int lineEnd = reply[pos..].IndexOf("\r\n"u8) + pos;
        var line = reply[(pos + 1)..lineEnd];
        int next = lineEnd + 2;
        switch (type)
        {
            case (byte)'+':
                PushTagged(l, "ok\0"u8, line);
                return next;
            case (byte)'-':
                PushTagged(l, "err\0"u8, line);
                return next;
            case (byte)':':
                lua_pushnumber(l, ParseLong(line));
                return next;
            case (byte)'$':
            case (byte)'!':
            case (byte)'=':
            {
                long length = ParseLong(line);
                if (length < 0)
                {
                    lua_pushboolean(l, 0);
                    return next;
                }
                var body = reply.Slice(next, (int)length);
                if (type == '$') PushBytes(l, body);
                else if (type == '!') PushTagged(l, "err\0"u8, body);
                else PushVerbatim(l, body);
                return next + (int)length + 2;
            }
            case (byte)'*':
            case (byte)'>':
            {
                long count = ParseLong(line);
                if (count < 0)
                {
                    lua_pushboolean(l, 0);
                    return next;
                }
                lua_createtable(l, (int)count, 0);
                for (int i = 1; i <= count; i++)
                {
                    next = Push(l, reply, next);
                    lua_rawseti(l, -2, i);
                }
                return next;
            }
            case (byte)'_':
                lua_pushnil(l);
                return next;
            case (byte)'#':
                lua_pushboolean(l, line.Length > 0 && line[0] == 't' ? 1 : 0);
                return next;
            case (byte)',':
                lua_createtable(l, 0, 1);
                lua_pushnumber(l, ParseDouble(line));
                SetField(l, -2, "double\0"u8);
                return next;
            case (byte)'(':
                PushTagged(l, "big_number\0"u8, line);
                return next;
            case (byte)'%':
            case (byte)'~':
            {
                long count = ParseLong(line);
                bool map = type == '%';
                lua_createtable(l, 0, 1);
                lua_createtable(l, 0, (int)count);
                for (long i = 0; i < count; i++)
                {
                    next = Push(l, reply, next);
                    if (map) next = Push(l, reply, next);
                    else lua_pushboolean(l, 1);
                    lua_rawset(l, -3);
                }
                SetField(l, -2, map ? "map\0"u8 : "set\0"u8);
                return next;
            }
            case (byte)'|':
            {
                // Attributes carry no data a script sees: skip them and convert what follows.
                long count = ParseLong(line);
                for (long i = 0; i < 2 * count; i++)
                {
                    next = Push(l, reply, next);
                    Pop(l, 1);
                }
                return Push(l, reply, next);
            }
            default:
                lua_pushnil(l);
                return reply.Length;
        }
    }

    private static void PushTagged(IntPtr l, ReadOnlySpan<byte> field, ReadOnlySpan<byte> text)
    {
        lua_createtable(l, 0, 1);
        PushBytes(l, text);
        SetField(l, -2, field);
    }

    private static void PushVerbatim(IntPtr l, ReadOnlySpan<byte> body)
    {
        lua_createtable(l, 0, 1);
        lua_createtable(l, 0, 2);
        PushBytes(l, body.Length >= 4 ? body[..3] : body);
        SetField(l, -2, "format\0"u8);
        PushBytes(l, body.Length >= 4 ? body[4..] : default);
        SetField(l, -2, "string\0"u8);
        SetField(l, -2, "verbatim_string\0"u8);
    }

    private static long ParseLong(ReadOnlySpan<byte> text) => Utf8Parser.TryParse(text, out long value, out _) ? value : 0;

    private static double ParseDouble(ReadOnlySpan<byte> text)
    {
        if (text.SequenceEqual("inf"u8)) return double.PositiveInfinity;
        if (text.SequenceEqual("-inf"u8)) return double.NegativeInfinity;
        if (text.SequenceEqual("nan"u8)) return double.NaN;
        return Utf8Parser.TryParse(text, out double value, out _) ? value : 0;
    }
}
