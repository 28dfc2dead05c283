extension FindingRules {
    /// Rules over Kubernetes and Istio configuration, each an `istioctl analyze` check with
    /// its IST code (`MS1101` is IST0101). They share one ``ConfigIndex`` per set of objects;
    /// docs/findings.md ("Config rules") lists each and where it differs from istioctl.
    public static let config: [FindingRule] = [
        ReferenceRules.referencedResourceNotFound,
        InjectionRules.namespaceNotInjected,
        InjectionRules.podMissingProxy,
        VirtualServiceRules.conflictingMeshHosts,
        SidecarRules.conflictingSelectors,
        SidecarRules.multipleWithoutSelectors,
        VirtualServiceRules.portSelectorRequired,
        ServiceRules.deploymentMultipleServices,
        ServiceRules.portNaming,
        PolicyRules.noMatchingWorkloads,
        DestinationRuleRules.noVerificationDestination,
        DestinationRuleRules.noVerificationPort,
        VirtualServiceRules.unreachableRule,
        VirtualServiceRules.ineffectiveMatch,
        VirtualServiceRules.hostNotInGateway,
        ServiceEntryRules.addressesRequired,
        GatewayRules.conflictingGateways,
        InjectionRules.proxyImageMismatch,
        GatewayRules.portNotOnService,
        PolicyRules.ineffectiveSelector,
        SidecarRules.ineffectivePolicy,
        DestinationRuleRules.subsetSelectsNoPods,
        DestinationRuleRules.unknownHost,
        ServiceEntryRules.conflictingProtocol,
    ]
}
