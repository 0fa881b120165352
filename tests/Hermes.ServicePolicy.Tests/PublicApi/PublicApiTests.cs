using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Hermes.ServicePolicy.Policy;
using NUnit.Framework;

namespace Hermes.ServicePolicy.Tests.PublicApi;

/// <summary>
/// The public API is tracked: any change to it shows up as a diff of <c>Hermes.ServicePolicy.approved.txt</c>.
/// When the change is intended, copy the <c>.received.txt</c> file this test writes over the approved one.
/// </summary>
public class PublicApiTests
{
    [TestCase(typeof(ServiceConversationPolicy), "Hermes.ServicePolicy")]
    [TestCase(typeof(Hermes.ServicePolicy.Extensions.Logging.LoggerAuditSink), "Hermes.ServicePolicy.Extensions")]
    [TestCase(typeof(Hermes.ServicePolicy.PhoneNumbers.LibPhoneNumberParser), "Hermes.ServicePolicy.PhoneNumbers")]
    public void The_public_api_matches_the_approved_listing(Type anyType, string package)
    {
        ArgumentNullException.ThrowIfNull(anyType);
        var actual = Describe(anyType.Assembly);
        var directory = Path.Combine(TestContext.CurrentContext.TestDirectory, "PublicApi");
        var approvedPath = Path.Combine(directory, $"{package}.approved.txt");
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;
        if (!string.Equals(approved, actual, StringComparison.Ordinal))
        {
            var received = Path.Combine(FindSourceDirectory(), $"{package}.received.txt");
            File.WriteAllText(received, actual);
            Assert.Fail($"The public API of {package} changed. If that is intended, review and copy {received} over {package}.approved.txt.");
        }
    }

    private static string FindSourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "")
        => Path.GetDirectoryName(path) is { } dir && Directory.Exists(dir) ? dir : TestContext.CurrentContext.WorkDirectory;

    internal static string Describe(Assembly assembly)
    {
        var builder = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            builder.Append(TypeHeader(type)).Append('\n');
            var members = new List<string>();
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            if (type.IsEnum)
            {
                members.AddRange(type.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}"));
            }
            else
            {
                members.AddRange(type.GetConstructors(flags).Select(c => $"ctor({Parameters(c)})"));
                members.AddRange(type.GetMethods(flags).Where(m => !m.IsSpecialName).Select(m => $"{(m.IsStatic ? "static " : string.Empty)}{Name(m.ReturnType)} {m.Name}{GenericArguments(m)}({Parameters(m)})"));
                members.AddRange(type.GetProperties(flags).Select(p => $"{(p.GetMethod?.IsStatic == true ? "static " : string.Empty)}{Name(p.PropertyType)} {p.Name} {{ {(p.GetMethod?.IsPublic == true ? "get; " : string.Empty)}{(p.SetMethod?.IsPublic == true ? (IsInit(p.SetMethod) ? "init; " : "set; ") : string.Empty)}}}"));
                members.AddRange(type.GetFields(flags).Select(f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : string.Empty)}{(f.IsInitOnly ? "readonly " : string.Empty)}{Name(f.FieldType)} {f.Name}"));
                members.AddRange(type.GetEvents(flags).Select(e => $"event {Name(e.EventHandlerType!)} {e.Name}"));
            }

            foreach (var member in members.OrderBy(m => m, StringComparer.Ordinal))
            {
                builder.Append("  ").Append(member).Append('\n');
            }
        }

        return builder.ToString();
    }

    private static bool IsInit(MethodInfo setter)
        => setter.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");

    private static string TypeHeader(Type type)
    {
        var kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : type.IsAbstract ? "abstract class" : "class";
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum))
        {
            bases.Add(Name(baseType));
        }

        bases.AddRange(type.GetInterfaces().Select(Name).OrderBy(n => n, StringComparer.Ordinal));
        return $"{kind} {Name(type)}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : string.Empty)}";
    }

    private static string GenericArguments(MethodInfo method)
        => method.IsGenericMethodDefinition ? $"<{string.Join(", ", method.GetGenericArguments().Select(a => a.Name))}>" : string.Empty;

    private static string Parameters(MethodBase method)
        => string.Join(", ", method.GetParameters().Select(p => $"{(p.ParameterType.IsByRef ? (p.IsOut ? "out " : p.IsIn ? "in " : "ref ") : string.Empty)}{Name(p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "default") : string.Empty)}"));

    private static string Name(Type type)
    {
        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        var name = type.IsNested ? $"{Name(type.DeclaringType!)}.{type.Name}" : type.FullName ?? type.Name;
        if (!type.IsGenericType)
        {
            return name;
        }

        var tick = name.IndexOf('`', StringComparison.Ordinal);
        var bare = tick < 0 ? name : name[..tick];
        if (type.IsNested)
        {
            bare = $"{Name(type.DeclaringType!)}.{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}";
        }

        return $"{bare}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
    }
}
