using System;
using Hermes.ServicePolicy.PhoneNumbers;
using Hermes.ServicePolicy.Policy;
using Hermes.ServicePolicy.Targeting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection
{
    /// <summary>Registers national phone numbers for a policy built by <c>AddServiceConversationPolicy</c>.</summary>
    public static class PhoneNumbersServiceCollectionExtensions
    {
        /// <summary>
        /// Registers <see cref="LibPhoneNumberParser"/> as the <see cref="INationalNumberParser"/>, so that
        /// <c>default_region</c> is accepted and national numbers are read (in targets and in configured chats).
        /// Explicit by design: a host opts into national numbers. Idempotent.
        /// </summary>
        public static IServiceCollection AddServiceConversationPhoneNumbers(this IServiceCollection services)
        {
            ArgumentNullException.ThrowIfNull(services);
            services.TryAddSingleton<INationalNumberParser, LibPhoneNumberParser>();
            return services;
        }
    }
}

namespace Hermes.ServicePolicy.PhoneNumbers
{
    /// <summary>Registers national phone numbers on a <see cref="ServiceConversationPolicyBuilder"/>.</summary>
    public static class PhoneNumbersPolicyBuilderExtensions
    {
        /// <summary>Reads national numbers for <c>default_region</c> with <see cref="LibPhoneNumberParser"/>.</summary>
        public static ServiceConversationPolicyBuilder UsePhoneNumbers(this ServiceConversationPolicyBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            return builder.WithNationalNumberParser(new LibPhoneNumberParser());
        }
    }
}
