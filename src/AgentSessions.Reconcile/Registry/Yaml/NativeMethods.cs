using System.Runtime.InteropServices;

namespace AgentSessions.Reconcile.Yaml;

/// <summary>The few POSIX calls the store needs that .NET does not expose: flock, fsync of a folder, link, chown.</summary>
internal static partial class NativeMethods
{
    public const int LockEx = 2;
    public const int LockNb = 4;
    public const int LockSh = 1;
    public const int LockUn = 8;

    public static int OpenReadWriteCreate => OperatingSystem.IsMacOS() ? 0x0002 | 0x0200 | 0x1000000 : 0x0002 | 0x0040 | 0x80000;

    public static int OpenReadOnlyNonBlocking => OperatingSystem.IsMacOS() ? 0x0000 | 0x0004 | 0x1000000 : 0x0000 | 0x0800 | 0x80000;

    public static int OpenReadOnlyDirectory => OperatingSystem.IsMacOS() ? 0x0000 | 0x100000 | 0x1000000 : 0x0000 | 0x10000 | 0x80000;

    public static bool IsWouldBlock(int errno) => errno == 11 || (OperatingSystem.IsMacOS() && errno == 35);

    public static bool IsInterrupted(int errno) => errno == 4;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Link(string existingPath, string newPath);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Chown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, [Out] byte[] buffer);

    /// <summary>
    /// Says what kind of file <paramref name="path"/> names (following symbolic links) when it is not
    /// a regular file: "a directory", "a FIFO", …; <see langword="null"/> for a regular file, a missing
    /// path, or where the kind cannot be read (then the open decides).
    /// </summary>
    public static string? NotRegularFileKind(string path)
    {
        var modeOffset = OperatingSystem.IsMacOS() ? 4 : LinuxOffset(x64: 24, arm64: 16);
        if (modeOffset < 0 || Stat(path) is not { } buffer)
        {
            return Directory.Exists(path) ? "a directory" : null;
        }

        return (BitConverter.ToUInt16(buffer, modeOffset) & 0xF000) switch
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x1000 => "a FIFO",
            0xC000 => "a socket",
            0x2000 => "a character device",
            0x6000 => "a block device",
            _ => "an unknown kind of file",
        };
    }

    /// <summary>Reads a file's owner and group (Linux x64/arm64 only; elsewhere <see langword="false"/>).</summary>
    public static bool TryGetOwner(string path, out uint uid, out uint gid)
    {
        uid = gid = 0;
        var uidOffset = LinuxOffset(x64: 28, arm64: 24);
        if (uidOffset < 0 || Stat(path) is not { } buffer)
        {
            return false;
        }

        uid = BitConverter.ToUInt32(buffer, uidOffset);
        gid = BitConverter.ToUInt32(buffer, uidOffset + 4);
        return true;
    }

    /// <summary>A field's offset in Linux's <c>struct stat</c> on this architecture; -1 elsewhere.</summary>
    private static int LinuxOffset(int x64, int arm64) => !OperatingSystem.IsLinux() ? -1 : RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => x64,
        Architecture.Arm64 => arm64,
        _ => -1,
    };

    /// <summary>The raw <c>struct stat</c> of <paramref name="path"/>; <see langword="null"/> when it cannot be read (or libc has no <c>stat</c>).</summary>
    private static byte[]? Stat(string path)
    {
        var buffer = new byte[512];
        try
        {
            return Stat(path, buffer) == 0 ? buffer : null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }
}
