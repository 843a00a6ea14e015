using FastNode.Protocol;
using static FastNode.Server.Scripting.LuaNative;

namespace FastNode.Server.Scripting;

/// <summary>
/// Writes the Lua value on top of the stack as the client's reply, as Redis 7.0 does (luaReplyToRedisReply): string
/// -> bulk, number -> integer (truncated), true -> 1 / false -> null while the script speaks RESP2 and booleans once it
/// chose RESP3 with redis.setresp(3) (the script's protocol decides, not the client's: Redis 7.0 sends `_` for a
/// false to a RESP3 client of a RESP2 script, and :1/:0 for booleans of a RESP3 script to a RESP2 client), nil -> null,
/// {err=...} -> error, {ok=...} -> status, {double=}/{big_number=}/{map=}/{set=}/{verbatim_string=} -> their RESP3
/// types (bulk strings and flat arrays in RESP2), any other table -> an array up to its first nil.
/// Leaves the stack as it found it.
/// </summary>
internal static unsafe class LuaToResp
{
    private const int MaxDepth = 1000;

    public static void Write(IntPtr l, ref RespWriter writer, bool scriptResp3, int depth = 0)
    {
        if (depth > MaxDepth || lua_checkstack(l, 4) == 0)
        {
            writer.WriteError("ERR reached lua stack limit");
            return;
        }
        switch (lua_type(l, -1))
        {
            case TString:
                writer.WriteBulkString(ToBytes(l, -1));
                return;
            case TBoolean:
                bool value = lua_toboolean(l, -1) != 0;
                if (scriptResp3) writer.WriteBoolean(value);
                else if (value) writer.WriteInteger(1);
                else writer.WriteNullBulk();
                return;
            case TNumber:
                writer.WriteInteger(Truncate(lua_tonumber(l, -1)));
                return;
            case TTable:
                WriteTable(l, ref writer, scriptResp3, depth);
                return;
            default:
                writer.WriteNullBulk();
                return;
        }
    }

    /// <summary>C's (long long) cast, as Redis applies it; out-of-range values saturate instead of being undefined.</summary>
    public static long Truncate(double d) => double.IsNaN(d) ? long.MinValue : d >= 9.2233720368547758e18 ? long.MinValue : d <= -9.2233720368547758e18 ? long.MinValue : (long)d;

    private static void WriteTable(IntPtr l, ref RespWriter writer, bool scriptResp3, int depth)
    {
        if (Field(l, "err"u8) == TString)
        {
            writer.WriteError(ErrorText(ToBytes(l, -1)));
            Pop(l, 1);
            return;
        }
        Pop(l, 1);
        if (Field(l, "ok"u8) == TString)
        {
            WriteStatus(ref writer, ToBytes(l, -1));
            Pop(l, 1);
            return;
        }
        Pop(l, 1);
        if (Field(l, "double"u8) == TNumber)
        {
            writer.WriteDouble(lua_tonumber(l, -1));
            Pop(l, 1);
            return;
        }
        Pop(l, 1);
        if (Field(l, "big_number"u8) == TString)
        {
            var text = ToBytes(l, -1);
            if (writer.Resp3)
            {
                writer.WriteRaw("("u8);
                writer.WriteRaw(text);
                writer.WriteRaw("\r\n"u8);
            }
            else writer.WriteBulkString(text);
            Pop(l, 1);
            return;
        }
        Pop(l, 1);
        if (Field(l, "map"u8) == TTable)
        {
            WriteMapOrSet(l, ref writer, scriptResp3, depth, map: true);
            Pop(l, 1);
            return;
        }
        Pop(l, 1);
        if (Field(l, "set"u8) == TTable)
        {
            WriteMapOrSet(l, ref writer, scriptResp3, depth, map: false);
            Pop(l, 1);
            return;
        }
        Pop(l, 1);
        if (Field(l, "verbatim_string"u8) == TTable)
        {
            WriteVerbatim(l, ref writer);
            Pop(l, 1);
            return;
        }
        Pop(l, 1);
        WriteArray(l, ref writer, scriptResp3, depth);
    }

    private static void WriteArray(IntPtr l, ref RespWriter writer, bool scriptResp3, int depth)
    {
        int count = 0;
        while (true)
        {
            lua_rawgeti(l, -1, count + 1);
            bool end = lua_type(l, -1) == TNil;
            Pop(l, 1);
            if (end) break;
            count++;
        }
        writer.WriteArrayHeader(count);
        for (int i = 1; i <= count; i++)
        {
            lua_rawgeti(l, -1, i);
            Write(l, ref writer, scriptResp3, depth + 1);
            Pop(l, 1);
        }
    }

    private static void WriteMapOrSet(IntPtr l, ref RespWriter writer, bool scriptResp3, int depth, bool map)
    {
        int count = 0;
        lua_pushnil(l);
        while (lua_next(l, -2) != 0)
        {
            count++;
            Pop(l, 1);
        }
        if (map) writer.WriteMapHeader(count);
        else writer.WriteSetHeader(count);
        lua_pushnil(l);
        while (lua_next(l, -2) != 0)
        {
            // Key at -2, value at -1. The key is written from a copy: lua_tolstring would turn a number key into a
            // string in place and break lua_next.
            lua_pushvalue(l, -2);
            Write(l, ref writer, scriptResp3, depth + 1);
            Pop(l, 1);
            if (map) Write(l, ref writer, scriptResp3, depth + 1);
            Pop(l, 1);
        }
    }

    private static void WriteVerbatim(IntPtr l, ref RespWriter writer)
    {
        GetField(l, -1, "format\0"u8);
        GetField(l, -2, "string\0"u8);
        var format = ToBytes(l, -2);
        var text = ToBytes(l, -1);
        if (format.Length != 3) format = "txt"u8;
        writer.WriteVerbatim(format, text);
        Pop(l, 2);
    }

    private static void WriteStatus(ref RespWriter writer, ReadOnlySpan<byte> text)
    {
        if (text.IndexOfAny((byte)'\r', (byte)'\n') < 0)
        {
            writer.WriteSimpleString(text);
            return;
        }
        Span<byte> copy = text.Length <= 256 ? stackalloc byte[text.Length] : new byte[text.Length];
        text.CopyTo(copy);
        copy.Replace((byte)'\r', (byte)' ');
        copy.Replace((byte)'\n', (byte)' ');
        writer.WriteSimpleString(copy);
    }

    /// <summary>An {err=...} as an error reply: CR/LF become spaces so the reply stays one line.</summary>
    private static string ErrorText(ReadOnlySpan<byte> text) => System.Text.Encoding.UTF8.GetString(text);

    /// <summary>Pushes t[name] (raw: a script's metatables are not run) and returns its type.</summary>
    private static int Field(IntPtr l, ReadOnlySpan<byte> name)
    {
        PushBytes(l, name);
        lua_rawget(l, -2);
        return lua_type(l, -1);
    }
}
