using System;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Hermes.ServicePolicy.State;

namespace Hermes.ServicePolicy.Audit;

/// <summary>
/// An append-only JSON Lines audit file: one <see cref="PolicyEventJson"/> object per line, flushed to disk before
/// <see cref="WriteAsync"/> completes. The file is opened for appending and shared for reading, so an operator can
/// tail it. Dispose it when the policy stops.
/// </summary>
public sealed class JsonLinesAuditSink : IAuditSink, IDisposable, IAsyncDisposable
{
    private readonly FileStream _stream;
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Opens (or creates) the audit file at <paramref name="path"/>.</summary>
    public JsonLinesAuditSink(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.Asynchronous);
        Path = path;
    }

    /// <summary>Gets the path of the audit file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public async ValueTask WriteAsync(PolicyEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, PolicyEventJson.WriterOptions))
        {
            PolicyEventJson.Write(writer, auditEvent);
        }

        buffer.WriteByte((byte)'\n');
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            _stream.Flush(flushToDisk: true);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stream.Dispose();
        _lock.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        _lock.Dispose();
    }
}
